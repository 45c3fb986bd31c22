// Motia's queue settings map onto ours: maxRetries counts every attempt, as in Motia.
import type { EventConfig, Handlers } from 'motia'

export const config: EventConfig = {
  type: 'event',
  name: 'AlwaysFails',
  subscribes: ['fragile'],
  emits: [],
  infrastructure: { queue: { type: 'standard', maxRetries: 2, visibilityTimeout: 0.01 } },
}

export const handler: Handlers['AlwaysFails'] = async (_input, { state }) => {
  const tries = ((await state.get<number>('tries', 'fragile')) ?? 0) + 1
  await state.set('tries', 'fragile', tries)
  throw new Error(`attempt ${tries} failed`)
}
