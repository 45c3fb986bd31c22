import type { EventConfig, EventHandler } from 'stephost'

export const config = {
  type: 'event',
  name: 'KitchenSinkChain',
  subscribes: ['ks.chain'],
} satisfies EventConfig

export const handler: EventHandler<{ key: string }> = async (data, ctx) => {
  await ctx.state.set('ks-chain', data.key, { language: 'node', traceId: ctx.traceId })
}
