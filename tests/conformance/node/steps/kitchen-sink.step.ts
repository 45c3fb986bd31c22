// The Node kitchen sink for the conformance suite (see ../../README.md).
import { setTimeout as sleep } from 'node:timers/promises'

import { StepError } from 'stephost'
import type { ApiConfig, ApiHandler, ApiResponse } from 'stephost'

type Body = {
  action?: string
  value?: unknown
  message?: string
  status?: number
  body?: unknown
  headers?: Record<string, string>
  ms?: number
  mb?: number
  data?: unknown
  group?: string
  marker?: string
  key?: string
  priority?: number
}

export const config = {
  type: 'api',
  name: 'KitchenSink',
  method: 'POST',
  path: '/ks/:id',
  emits: ['ks.out', 'ks.in'],
} satisfies ApiConfig

export const handler: ApiHandler<Body | null> = async (req, ctx) => {
  const body = req.body ?? {}
  switch (body.action) {
    case 'echo':
      return {
        status: 200,
        body: {
          language: 'node',
          pathId: req.pathParams.id,
          query: req.queryParams,
          xTest: req.headers['x-test'] ?? null,
          value: body.value ?? null,
          traceId: ctx.traceId,
          attempt: ctx.attempt,
        },
      }
    case 'respond':
      return { status: body.status ?? 200, body: body.body, headers: body.headers }
    case 'raise':
      throw new TypeError(body.message)
    case 'sleep':
      await sleep(body.ms ?? 0)
      return { status: 200, body: { slept: body.ms } }
    case 'emit':
      return { status: 200, body: { messageId: await ctx.emit('ks.out', body.data) } }
    case 'emit_big': // over max_message_bytes: refused before it is sent
      try {
        await ctx.emit('ks.out', 'x'.repeat((body.mb ?? 0) * 1024 * 1024))
      } catch (error) {
        if (error instanceof StepError) return { status: 200, body: { code: error.code, message: error.message } }
        throw error
      }
      return { status: 500, body: { error: 'emit did not fail' } }
    case 'respond_big':
      return { status: 200, body: 'y'.repeat((body.mb ?? 0) * 1024 * 1024) }
    case 'emit_undeclared':
      try {
        await ctx.emit('ks.undeclared', {})
      } catch (error) {
        if (error instanceof StepError) return { status: 200, body: { code: error.code, message: error.message } }
        throw error
      }
      return { status: 500, body: { error: 'emit did not fail' } }
    case 'state': {
      const g = body.group ?? 'ks'
      await ctx.state.set(g, 'a', { n: 1 })
      await ctx.state.set(g, 'b', [1, 2])
      const result = {
        got: await ctx.state.get(g, 'a'),
        missing: await ctx.state.get(g, 'zzz'),
        list1: await ctx.state.list(g),
        deleted: await ctx.state.delete(g, 'a'),
        deletedAgain: await ctx.state.delete(g, 'a'),
        list2: await ctx.state.list(g),
        cleared: await ctx.state.clear(g),
        list3: await ctx.state.list(g),
      }
      return { status: 200, body: result }
    }
    case 'log':
      ctx.logger.info('kitchen sink log', { marker: body.marker })
      return { status: 200, body: { logged: true } }
    case 'stream':
      await ctx.streams.set('ks', body.group ?? 'ks', 'item', body.value)
      return { status: 200, body: { streamed: true } }
    case 'streams': {
      const g = body.group ?? 'ks'
      await ctx.streams.set('ks', g, 'a', { n: 1 })
      await ctx.streams.set('ks', g, 'b', [1, 2])
      const result = {
        got: await ctx.streams.get('ks', g, 'a'),
        missing: await ctx.streams.get('ks', g, 'zzz'),
        list: await ctx.streams.list('ks', g),
        deleted: await ctx.streams.delete('ks', g, 'a'),
        after: await ctx.streams.list('ks', g),
      }
      return { status: 200, body: result }
    }
    case 'motia': {
      const { emit, state, traceId } = ctx
      const messageId = await emit({ topic: 'ks.out', data: body.data })
      await state.set(body.group ?? 'ks', 'x', 1)
      return { status: 200, body: { messageId, values: await state.getGroup(body.group ?? 'ks'), traceId } }
    }
    case 'bad_response':
      return 'nope' as unknown as ApiResponse
    case 'context':
      return {
        status: 200,
        body: {
          traceState: ctx.traceState,
          deadlineMs: ctx.deadline?.getTime() ?? null,
          deadlineType: ctx.deadline?.constructor.name ?? null,
          auth: ctx.auth,
        },
      }
    case 'emit_priority':
      return { status: 200, body: { messageId: await ctx.emit('ks.out', body.data, { priority: body.priority }) } }
    case 'forward':
      return { status: 200, body: { messageId: await ctx.emit('ks.in', body.data) } }
    case 'wait_for_cancel': {
      const key = body.key ?? ''
      await ctx.state.set('ks-cancel', key, { started: true })
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 20_000)
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(timer)
          resolve()
        })
      })
      await ctx.state.set('ks-cancel', key, { cancelled: ctx.signal.aborted })
      return { status: 200, body: { cancelled: ctx.signal.aborted } }
    }
    default:
      return { status: 400, body: { error: `unknown action ${JSON.stringify(body.action)}` } }
  }
}
