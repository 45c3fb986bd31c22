// An event step's zod `input`: a message that breaks it goes to the dead-letter queue.
import type { EventConfig, Handlers } from 'motia'
import { z } from 'zod'

export const config: EventConfig = {
  type: 'event',
  name: 'Welcome',
  subscribes: ['user.created'],
  emits: [],
  input: z.object({ id: z.string() }),
}

export const handler: Handlers['Welcome'] = async (input, { state }) => {
  await state.set('welcomed', input.id, true)
}
