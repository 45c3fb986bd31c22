// Middleware runs in the order the config lists it, around the handler (Motia's api
// middleware). Each one marks the request on the way in and the response on the way out.
import type { ApiMiddleware, ApiRouteConfig, Handlers } from 'motia'

type Trail = { trail: string[] }

const mark =
  (name: string): ApiMiddleware<Trail, never, Trail> =>
  async (req, _ctx, next) => {
    req.body.trail.push(`${name}>`)
    const response = await next()
    response.body.trail.push(`<${name}`)
    return { ...response, headers: { ...response.headers, [`x-${name}`]: 'seen' } }
  }

export const config: ApiRouteConfig = {
  type: 'api',
  name: 'Trail',
  method: 'POST',
  path: '/trail',
  emits: [],
  middleware: [mark('first'), mark('second')],
}

export const handler: Handlers['Trail'] = async (req, { logger }) => {
  const body = req.body as Trail
  body.trail.push('handler')
  logger.info('handler ran', { trail: body.trail })
  return { status: 200, body }
}
