import type { ApiRouteConfig, Handlers } from 'motia'

export const config: ApiRouteConfig = { type: 'api', name: 'Start', method: 'POST', path: '/start', emits: ['later'] }

export const handler: Handlers['Start'] = async (_req, { emit }) => {
  await emit({ topic: 'later', data: {} })
  return { status: 202, body: {} }
}
