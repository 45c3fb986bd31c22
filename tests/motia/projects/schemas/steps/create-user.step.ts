// zod schemas are enforced like JSON Schema: a bad body is a 400 before the handler runs.
import type { ApiRouteConfig, Handlers } from 'motia'
import { z } from 'zod'

export const config: ApiRouteConfig = {
  type: 'api',
  name: 'CreateUser',
  method: 'POST',
  path: '/users',
  emits: ['user.created'],
  bodySchema: z.object({ name: z.string().min(1), age: z.number().int().nonnegative() }),
  responseSchema: { 201: z.object({ id: z.string() }) },
}

export const handler: Handlers['CreateUser'] = async (req, { emit, state }) => {
  const id = `u-${req.body.name.toLowerCase()}`
  await state.set('users', id, req.body)
  await emit({ topic: 'user.created', data: { id } })
  return { status: 201, body: { id } }
}
