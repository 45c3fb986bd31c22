// The conformance suite's custom auth step (see ../../README.md).
import { StepError } from 'stephost'
import type { AuthConfig, AuthHandler } from 'stephost'

export const config = { type: 'auth', name: 'KitchenSinkGate' } satisfies AuthConfig

export const handler: AuthHandler = (req, ctx) => {
  const token = req.headers['x-ks-token']
  if (token === 'forbidden') throw new StepError('this token may not pass', { code: 'FORBIDDEN' })
  if (token !== 'let-me-in') return null
  return {
    user: 'ks-user',
    gate: 'node',
    pathId: req.pathParams.id ?? null,
    method: req.method,
    body: req.body,
    traceId: ctx.traceId,
  }
}
