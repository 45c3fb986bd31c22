import type { StreamConfig } from 'motia'
import { z } from 'zod'

export const config: StreamConfig = {
  name: 'todo',
  schema: z.object({ text: z.string(), done: z.boolean() }),
  baseConfig: { storageType: 'default' },
}
