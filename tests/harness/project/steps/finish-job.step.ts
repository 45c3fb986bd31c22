import type { EventConfig, EventHandler } from 'stephost'

type Job = { id: string; kind: string; via: string[] }

export const config = {
  type: 'event',
  name: 'FinishJob',
  subscribes: ['job.checked'],
} satisfies EventConfig

export const handler: EventHandler<Job> = async (data, ctx) => {
  await ctx.state.set('jobs', data.id, { ...data, via: [...data.via, 'node'], done: true })
  ctx.logger.info('job finished', { jobId: data.id })
}
