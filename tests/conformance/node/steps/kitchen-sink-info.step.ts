import type { ApiConfig, ApiHandler } from 'stephost'

export const config = {
  type: 'api',
  name: 'KitchenSinkInfo',
  method: 'GET',
  path: '/ks/:id/info',
} satisfies ApiConfig

export const handler: ApiHandler = (req) => ({
  status: 200,
  body: {
    pathId: req.pathParams.id,
    query: req.queryParams,
    xTest: req.headers['x-test'] ?? null,
    method: req.method,
    body: req.body,
  },
})
