// order.scored (from the Python ScoreOrder step): keep an audit record of the order and
// flag large ones. A TypeScript hop in a flow that starts and ends in Python.
import type { EventConfig, EventHandler } from 'stephost'

type Scored = { id: string; score: number }
type Order = { id: string; item: string; quantity: number; score?: number; status: string }

export type Audit = { orderId: string; item: string; quantity: number; score: number; flagged: boolean; traceId: string }

export const config = {
  type: 'event',
  name: 'AuditOrder',
  description: 'Record an audit line for every scored order; flag the large ones.',
  subscribes: ['order.scored'],
  emits: ['order.flagged'],
  input: {
    type: 'object',
    required: ['id', 'score'],
    properties: { id: { type: 'string' }, score: { type: 'number' } },
  },
  flows: ['orders'],
} satisfies EventConfig

export const handler: EventHandler<Scored> = async (data, ctx) => {
  const order = await ctx.state.get<Order>('orders', data.id)
  if (order === null) {
    ctx.logger.warn('scored order not found', { orderId: data.id })
    return
  }
  const audit: Audit = {
    orderId: order.id,
    item: order.item,
    quantity: order.quantity,
    score: data.score,
    flagged: order.quantity >= 10,
    traceId: ctx.traceId,
  }
  await ctx.state.set('audits', order.id, audit)
  if (audit.flagged) await ctx.emit('order.flagged', { id: order.id, quantity: order.quantity })
  ctx.logger.info('order audited', { orderId: order.id, flagged: audit.flagged })
}
