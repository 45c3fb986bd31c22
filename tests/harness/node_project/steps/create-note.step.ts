import { randomUUID } from 'node:crypto'

import type { ApiConfig, ApiHandler } from 'stephost'

type Note = { text: string }

export const config = {
  type: 'api',
  name: 'CreateNote',
  method: 'POST',
  path: '/notes',
  bodySchema: { type: 'object', required: ['text'], properties: { text: { type: 'string' } } },
  emits: ['note.created'],
} satisfies ApiConfig

export const handler: ApiHandler<Note> = async (req, ctx) => {
  const id = randomUUID().slice(0, 8)
  await ctx.emit('note.created', { id, text: req.body.text })
  ctx.logger.info('note created', { noteId: id })
  return { status: 201, body: { id } }
}
