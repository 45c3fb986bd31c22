// Api steps behind each kind of auth, answering with ctx.auth (see ../../README.md).
import type { ApiConfig, ApiHandler } from 'stephost'

export const config = {
  type: 'api',
  name: 'KitchenSinkGuarded',
  method: 'POST',
  path: '/ks/:id/guarded',
  auth: { type: 'step', step: 'KitchenSinkGate' },
} satisfies ApiConfig

export const handler: ApiHandler = (req, ctx) => ({
  status: 200,
  body: { language: 'node', auth: ctx.auth, body: req.body },
})
