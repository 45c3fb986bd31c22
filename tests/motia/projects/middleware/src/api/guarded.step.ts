// A middleware that answers by itself: without the token, the handler never runs.
import type { ApiMiddleware, ApiRouteConfig, Handlers } from 'motia'

const requireToken: ApiMiddleware = async (req, { logger }, next) => {
  if (req.headers['x-token'] !== 'secret') {
    logger.warn('rejected: no token')
    return { status: 401, body: { error: 'token required' } }
  }
  return next()
}

export const config: ApiRouteConfig = {
  type: 'api',
  name: 'Guarded',
  method: 'GET',
  path: '/guarded',
  emits: [],
  middleware: [requireToken],
}

export const handler: Handlers['Guarded'] = async (_req, { state }) => {
  await state.set('guarded', 'ran', true)
  return { status: 200, body: { ok: true } }
}
