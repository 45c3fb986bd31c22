// A second hop: re-emits its data on bench.noop.
import type { EventConfig, EventHandler } from 'stephost'

export const config = {
  type: 'event',
  name: 'BenchHop',
  subscribes: ['bench.hop'],
  emits: ['bench.noop'],
} satisfies EventConfig

export const handler: EventHandler = async (data, ctx) => {
  await ctx.emit('bench.noop', data)
}
