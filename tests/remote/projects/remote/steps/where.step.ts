import type { ApiConfig, ApiHandler } from 'stephost'

export const config = { type: 'api', name: 'WhereNode', method: 'GET', path: '/where/node' } satisfies ApiConfig

export const handler: ApiHandler = async () => ({ status: 200, body: { language: 'node', pid: process.pid }, headers: {} })
