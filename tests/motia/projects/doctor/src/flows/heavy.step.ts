import type { EventConfig, Handlers } from 'motia'

export const config: EventConfig = {
  type: 'event',
  name: 'Heavy',
  subscribes: ['work'],
  virtualSubscribes: ['manual.review'],
  emits: [{ topic: 'done', label: 'when it worked', conditional: true }],
  virtualEmits: ['audit'],
  includeFiles: ['../../data/model.bin'],
  infrastructure: {
    handler: { ram: 2048, timeout: 30 },
    queue: { type: 'fifo', maxRetries: 4, visibilityTimeout: 5, delaySeconds: 0 },
  },
}

export const handler: Handlers['Heavy'] = async (_input, { emit }) => {
  await emit({ topic: 'done', data: {} })
}
