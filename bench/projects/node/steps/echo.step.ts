// Api round trip: the body comes back as it went.
import type { ApiConfig, ApiHandler } from 'stephost'

export const config = { type: 'api', name: 'BenchEcho', method: 'POST', path: '/echo' } satisfies ApiConfig

export const handler: ApiHandler = (req) => ({ status: 200, body: req.body })
