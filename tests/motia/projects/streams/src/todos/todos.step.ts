// Motia's per-stream calls: ctx.streams.todo.set / get / getGroup / delete / send.
import type { ApiRouteConfig, Handlers } from 'motia'

export const config: ApiRouteConfig = {
  type: 'api',
  name: 'Todos',
  method: 'POST',
  path: '/lists/:list',
  emits: [],
}

type Action = { action: 'add'; id: string; text: string } | { action: 'done' | 'remove'; id: string }

export const handler: Handlers['Todos'] = async (req, { streams }) => {
  const { list } = req.pathParams
  const body = req.body as Action
  if (body.action === 'add') {
    const item = await streams.todo.set(list, body.id, { text: body.text, done: false })
    return { status: 201, body: { item } }
  }
  if (body.action === 'done') {
    const current = await streams.todo.get(list, body.id)
    if (current === null) return { status: 404, body: { error: `no todo ${body.id}` } }
    const item = await streams.todo.set(list, body.id, { text: current.text, done: true })
    await streams.todo.send({ groupId: list, id: body.id }, { type: 'celebrate', data: { id: body.id } })
    return { status: 200, body: { item, all: await streams.todo.getGroup(list) } }
  }
  const removed = await streams.todo.delete(list, body.id)
  return { status: 200, body: { removed, again: await streams.todo.delete(list, body.id) } }
}
