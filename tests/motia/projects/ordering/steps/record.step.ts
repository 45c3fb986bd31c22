// Records each item's seq in its group's list, after a random pause (see record_step.py).
import { setTimeout as sleep } from 'node:timers/promises'

import type { EventConfig, Handlers } from 'motia'

export const config: EventConfig = {
  type: 'event',
  name: 'RecordTs',
  subscribes: ['py-item'],
  emits: [],
  infrastructure: { queue: { type: 'fifo' } },
}

export const handler: Handlers['RecordTs'] = async (input, { state }) => {
  const { group, seq } = input as { group: string; seq: number }
  await sleep(Math.random() * 20)
  const seen = (await state.get<number[]>('seen', group)) ?? []
  await state.set('seen', group, [...seen, seq])
}
