// Emits `count` messages {i} on `topic` at once, to load the event path.
import type { ApiConfig, ApiHandler } from 'stephost'

export const config = {
  type: 'api',
  name: 'BenchBurst',
  method: 'POST',
  path: '/burst',
  emits: ['bench.noop', 'bench.hop'],
  timeoutMs: 600_000,
} satisfies ApiConfig

export const handler: ApiHandler<{ topic: string; count: number }> = async (req, ctx) => {
  const { topic, count } = req.body
  const emits: Array<Promise<string>> = []
  for (let i = 0; i < count; i++) emits.push(ctx.emit(topic, { i }))
  await Promise.all(emits)
  return { status: 200, body: { emitted: count } }
}
