import type { ApiConfig, ApiHandler } from 'stephost'

export const config = {
  type: 'api',
  name: 'KitchenSinkKeyed',
  method: 'GET',
  path: '/ks-keyed',
  auth: { type: 'apiKey', in: 'header', name: 'x-api-key' },
} satisfies ApiConfig

export const handler: ApiHandler = (_req, ctx) => {
  ctx.logger.info('keyed handler ran')
  return { status: 200, body: { language: 'node', auth: ctx.auth } }
}
