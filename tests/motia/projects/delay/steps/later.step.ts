// `delaySeconds`: each message waits that long before this step gets it.
import type { EventConfig, Handlers } from 'motia'

export const config: EventConfig = {
  type: 'event',
  name: 'Later',
  subscribes: ['later'],
  emits: [],
  infrastructure: { queue: { type: 'standard', delaySeconds: 600 } },
}

export const handler: Handlers['Later'] = async () => {}
