import { setTimeout as sleep } from 'node:timers/promises'

import type { Context, EventConfig, EventHandler } from 'stephost'

type Data = { action: string; key: string; message?: string; succeedOn?: number; ms?: number }

export const config = {
  type: 'event',
  name: 'KitchenSinkEvent',
  subscribes: ['ks.in'],
  emits: ['ks.chain'],
  maxAttempts: 3,
  backoffMs: 10,
  timeoutMs: 3000,
  input: { type: 'object', required: ['action', 'key'] },
} satisfies EventConfig

async function record(data: Data, ctx: Context): Promise<void> {
  await ctx.state.set('ks-events', data.key, {
    data,
    attempt: ctx.attempt,
    traceId: ctx.traceId,
    traceState: ctx.traceState,
  })
}

export const handler: EventHandler<Data> = async (data, ctx) => {
  if (data.action === 'fail') throw new TypeError(data.message)
  if (data.action === 'flaky' && ctx.attempt < (data.succeedOn ?? 0)) {
    throw new TypeError(`flaky attempt ${ctx.attempt}`)
  }
  if (data.action === 'emit') await ctx.emit('ks.chain', { key: data.key })
  if (data.action === 'sleep') await sleep(data.ms ?? 0)
  await record(data, ctx)
}
