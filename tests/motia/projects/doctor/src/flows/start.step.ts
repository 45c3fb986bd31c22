import type { ApiRouteConfig, Handlers } from 'motia'

export const config: ApiRouteConfig = {
  type: 'api',
  name: 'Start',
  method: 'POST',
  path: '/work',
  emits: ['work'],
  queryParams: [{ name: 'priority', description: 'high or low' }],
}

export const handler: Handlers['Start'] = async (_req, { emit }) => {
  await emit({ topic: 'work', data: {} })
  return { status: 202, body: {} }
}
