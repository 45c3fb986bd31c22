// The one-hop target: does nothing, so the figure is the system's, not the handler's.
import type { EventConfig, EventHandler } from 'stephost'

export const config = { type: 'event', name: 'BenchNoop', subscribes: ['bench.noop'] } satisfies EventConfig

export const handler: EventHandler = () => {}
