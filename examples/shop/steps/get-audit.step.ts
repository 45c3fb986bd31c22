// GET /orders/:id/audit: the audit record the TypeScript AuditOrder step wrote.
import type { ApiConfig, ApiHandler } from 'stephost'

import type { Audit } from './audit-order.step.ts'

export const config = {
  type: 'api',
  name: 'GetOrderAudit',
  method: 'GET',
  path: '/orders/:id/audit',
  flows: ['orders'],
} satisfies ApiConfig

export const handler: ApiHandler = async (req, ctx) => {
  const audit = await ctx.state.get<Audit>('audits', req.pathParams.id)
  if (audit === null) return { status: 404, body: { error: `no audit for order ${req.pathParams.id}` } }
  return { status: 200, body: audit }
}
