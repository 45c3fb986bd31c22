// Emits `count` items in Motia's object form, spread over `groups` message groups.
import type { ApiRouteConfig, Handlers } from 'motia'

export const config: ApiRouteConfig = {
  type: 'api',
  name: 'Batch',
  method: 'POST',
  path: '/batch',
  emits: ['item'],
}

export const handler: Handlers['Batch'] = async (req, { emit }) => {
  const { groups, count } = req.body as { groups: number; count: number }
  for (let seq = 0; seq < count; seq++) {
    await emit({ topic: 'item', data: { group: `g${seq % groups}`, seq }, messageGroupId: `g${seq % groups}` })
  }
  return { status: 202, body: { emitted: count } }
}
