// flow.created: read the order, store a check, emit flow.checked (TypeScript hop).
import type { EventConfig, EventHandler } from 'stephost'

type Order = { id: string; item: string; quantity: number; status: string }

export const config = {
  type: 'event',
  name: 'FlowCheckOrder',
  subscribes: ['flow.created'],
  emits: ['flow.checked'],
  input: {
    type: 'object',
    required: ['id', 'quantity'],
    properties: { id: { type: 'string' }, quantity: { type: 'integer' } },
  },
} satisfies EventConfig

export const handler: EventHandler = async (data, ctx) => {
  const { id } = data as { id: string }
  const order = await ctx.state.get<Order>('flow_orders', id)
  if (order === null) throw new Error(`order ${id} is not in state`)
  const score = Math.min(1, 0.2 + 0.1 * order.quantity)
  await ctx.state.set('flow_checked', id, { ...order, score, status: 'checked' })
  await ctx.emit('flow.checked', { id, quantity: order.quantity, score })
  ctx.logger.info('order checked', { orderId: id })
}
