import type { StreamConfig } from 'motia'

export const config: StreamConfig = {
  name: 'audit',
  schema: { type: 'object', properties: {} },
  baseConfig: { storageType: 'default' },
  canAccess: (subscription) => subscription.groupId === 'public',
}
