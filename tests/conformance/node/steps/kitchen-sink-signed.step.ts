import type { ApiConfig, ApiHandler } from 'stephost'

export const config = {
  type: 'api',
  name: 'KitchenSinkSigned',
  method: 'GET',
  path: '/ks-signed',
  auth: { type: 'jwt', algorithms: ['HS256'], secretEnv: 'KS_JWT_SECRET', audience: 'ks', issuer: 'ks-test' },
} satisfies ApiConfig

export const handler: ApiHandler = (_req, ctx) => ({ status: 200, body: { language: 'node', auth: ctx.auth } })
