/**
 * The runtime's end of the Connect stream to the host.
 *
 * One bidirectional gRPC stream carries everything. Outgoing messages are queued and
 * written once per turn of the event loop (setImmediate), so the results and calls
 * that a burst of invocations produces leave in one frame. Calls into the host are
 * correlated by call id; a failed call rejects with a StepError carrying the host's code.
 * The runtime sees plain values only: it is handed Invocations, and answers through
 * sendOutput / sendFailure and the HostLink methods.
 */
import * as grpc from '@grpc/grpc-js'

import type { EmitRequest, HostLink, Invocation } from '../invocation.ts'
import type { FileFailure, LoadedStep, LoadedStream } from '../loader.ts'
import { StepError } from '../sdk.ts'
import type { ApiResponse, StateItem } from '../sdk.ts'
import { channel, Retry } from './dial.ts'
import type { Dial } from './dial.ts'
import { fromWire, toWire } from './errors.ts'
import { apiResponse, hello, invocation, jsonBytes, logRecord, num, parseJson, v1 } from './wire.ts'
import type { HostCall, HostCallReply, HostMessage, RuntimeMessage } from './wire.ts'

// Payloads are bounded by the host's body limit; leave generous room for batches.
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024
// The largest single message the host takes (its max_message_bytes): a call or result
// over it fails alone, with MESSAGE_TOO_LARGE, instead of breaking the stream.
const MESSAGE_LIMIT = Number(process.env.STEPHOST_MAX_MESSAGE_BYTES) || 16 * 1024 * 1024
const CONNECT = '/stephost.v1.RuntimeService/Connect'
// The call metadata that carries the runtime's key (the host's bridge/admission.py).
const KEY_METADATA = 'stephost-runtime-key'

type Frame = { messages: RuntimeMessage[] }
type HostFrame = { messages?: HostMessage[] | null }
type Stream = grpc.ClientDuplexStream<Frame, HostFrame>

/** What the connection hands to the runtime. */
export interface Dispatch {
  invocation(invocation: Invocation): void
  cancel(invocationId: number, reason: string): void
  drain(graceMs: number): void
  /** The stream ended: the host went away, or closed it after Drained. */
  closed(error: Error | undefined): void
}

export class HostRefusedError extends Error {
  override name = 'HostRefusedError'
}

/** Nobody answered at the host's address (yet): worth dialing again. */
class HostUnreachableError extends Error {
  override name = 'HostUnreachableError'
}

export class HostConnection implements HostLink {
  closed = false
  #client: grpc.Client | undefined
  #stream: Stream | undefined
  #outbox: RuntimeMessage[] = []
  #flushScheduled = false
  #blocked = false
  #pending = new Map<number, (reply: HostCallReply) => void>()
  #nextCallId = 1
  #flush = (): void => this.#write()
  #key: string
  #dial: Dial

  /** `dial`: where the host is and how to reach it (an address: plain, no time limit);
   * `key`: what lets the runtime through the host's gateway (STEPHOST_RUNTIME_KEY). */
  constructor(dial: Dial | string, key = '') {
    this.#key = key
    this.#dial = typeof dial === 'string' ? { address: dial, tls: false, serverName: '', timeoutMs: 0 } : dial
  }

  /** Dial the host, announce the steps (and the files that failed) in Hello, and wait for
   * Welcome. A host that does not answer is dialed again with backoff (a line on stderr
   * each time) until the dial's limit; HostRefusedError when the host refuses the
   * runtime, or the limit passed. */
  async open(steps: LoadedStep[], failures: FileFailure[], streams: LoadedStream[], dispatch: Dispatch): Promise<void> {
    const retry = new Retry(this.#dial.timeoutMs)
    for (;;) {
      try {
        await this.#tryOpen(steps, failures, streams, dispatch)
        return
      } catch (error) {
        if (!(error instanceof HostUnreachableError)) throw error
        const wait = retry.nextWait()
        if (wait === undefined) throw new HostRefusedError(error.message)
        process.stderr.write(`stephost node runtime: ${error.message}; retrying in ${wait / 1000}s\n`)
        await new Promise((resolve) => setTimeout(resolve, wait))
      }
    }
  }

  #tryOpen(steps: LoadedStep[], failures: FileFailure[], streams: LoadedStream[], dispatch: Dispatch): Promise<void> {
    const [credentials, options] = channel(this.#dial, {
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    })
    const client = new grpc.Client(this.#dial.address, credentials, options)
    this.#client = client
    const metadata = new grpc.Metadata()
    metadata.set(KEY_METADATA, this.#key)
    const stream: Stream = client.makeBidiStreamRequest(
      CONNECT,
      (frame: Frame) => v1.RuntimeFrame.encode(frame).finish() as Buffer,
      (bytes: Buffer) => v1.HostFrame.decode(bytes),
      metadata,
    )
    this.#stream = stream
    return new Promise((resolve, reject) => {
      let welcomed = false
      // Before Welcome, the attempt fails alone: a stream that ends then is not the
      // runtime's connection yet.
      const fail = (error: Error): void => {
        if (welcomed) return
        welcomed = true
        reject(error)
        stream.removeAllListeners()
        stream.on('error', () => {})
        client.close()
      }
      stream.on('data', (frame: HostFrame) => {
        const messages = frame.messages ?? []
        let i = 0
        if (!welcomed) {
          const first = messages[0]
          if (!first?.welcome) {
            stream.cancel()
            fail(new HostRefusedError(`host answered Hello with ${describeMessage(first)}`))
            return
          }
          welcomed = true
          resolve()
          i = 1
        }
        for (; i < messages.length; i++) this.#dispatch(messages[i]!, dispatch)
      })
      stream.on('error', (error: grpc.ServiceError) => {
        if (!welcomed) {
          const what = statusOf(error)
          if (error.code === grpc.status.UNAVAILABLE || error.code === grpc.status.DEADLINE_EXCEEDED) {
            fail(new HostUnreachableError(`cannot reach the host at ${this.#dial.address} (${what})`))
          } else {
            fail(new HostRefusedError(`host refused the runtime (${what})`))
          }
          return
        }
        this.#end(error, dispatch)
      })
      stream.on('end', () => {
        if (!welcomed) {
          fail(new HostRefusedError('host closed the stream before Welcome'))
          return
        }
        this.#end(undefined, dispatch)
      })
      stream.on('drain', () => {
        this.#blocked = false
        this.#write()
      })
      stream.write({ messages: [{ hello: hello(steps, failures, streams) }] })
    })
  }

  #dispatch(message: HostMessage, dispatch: Dispatch): void {
    if (message.invocation) {
      dispatch.invocation(invocation(message.invocation))
    } else if (message.reply) {
      const callId = num(message.reply.callId)
      const resolve = this.#pending.get(callId)
      if (resolve !== undefined) {
        this.#pending.delete(callId)
        resolve(message.reply)
      }
    } else if (message.heartbeat) {
      this.#send({ heartbeat: { sentUnixMs: Date.now() } })
    } else if (message.cancel) {
      dispatch.cancel(num(message.cancel.invocationId), message.cancel.reason ?? '')
    } else if (message.drain) {
      dispatch.drain(message.drain.graceMs ?? 0)
    }
  }

  /** Queue a message for this turn's frame. */
  #send(message: RuntimeMessage): void {
    this.#outbox.push(message)
    if (!this.#flushScheduled && !this.#blocked) {
      this.#flushScheduled = true
      setImmediate(this.#flush)
    }
  }

  #write(): void {
    this.#flushScheduled = false
    const stream = this.#stream
    if (this.#outbox.length === 0 || stream === undefined || this.closed) return
    const messages = this.#outbox
    this.#outbox = []
    // false: gRPC's buffer is full; the rest waits for 'drain', still batched.
    if (!stream.write({ messages })) this.#blocked = true
  }

  /** The handler returned `value` (JSON). */
  sendOutput(invocationId: number, value: unknown): void {
    const output = jsonBytes(value ?? null)
    if (output.length > MESSAGE_LIMIT) throw tooLarge("the handler's result", output.length)
    this.#send({ result: { invocationId, output } })
  }

  /** An api handler returned `response` (checked: string headers). */
  sendResponse(invocationId: number, response: ApiResponse): void {
    const wire = apiResponse(response)
    const size = wire.body?.length ?? 0
    if (size > MESSAGE_LIMIT) throw tooLarge('the response body', size)
    this.#send({ result: { invocationId, response: wire } })
  }

  /** The handler (or the runtime, for it) threw `error`. */
  sendFailure(invocationId: number, error: unknown, step: string, code?: string): void {
    this.#send({ result: { invocationId, error: toWire(error, step, code) } })
  }

  sendDrained(): void {
    this.#send({ drained: {} })
  }

  /** Log `error` (anything thrown) on behalf of an invocation that has finished. */
  logFailure(invocationId: number, message: string, error: unknown, step: string, fields: Record<string, unknown>): void {
    const wire = toWire(error, step)
    const described = { code: wire.code, type: wire.type, message: wire.message, stack: wire.stack, step }
    this.log(invocationId, 'error', message, { ...fields, error: described })
  }

  // -- HostLink ------------------------------------------------------------------------

  async emit(invocationId: number, topic: string, data: unknown, options: EmitRequest): Promise<string> {
    const reply = await this.#request({ invocationId, emit: { topic, data: jsonBytes(data), ...options } })
    return reply.emit?.messageId ?? ''
  }

  async stateGet(invocationId: number, group: string, key: string): Promise<unknown> {
    const reply = await this.#request({ invocationId, stateGet: { group, key } })
    return reply.stateGet?.found ? parseJson(reply.stateGet.value) : null
  }

  async stateSet(invocationId: number, group: string, key: string, value: unknown): Promise<void> {
    await this.#request({ invocationId, stateSet: { group, key, value: jsonBytes(value) } })
  }

  async stateDelete(invocationId: number, group: string, key: string): Promise<boolean> {
    const reply = await this.#request({ invocationId, stateDelete: { group, key } })
    return reply.stateDelete?.deleted === true
  }

  async stateList(invocationId: number, group: string): Promise<StateItem[]> {
    const reply = await this.#request({ invocationId, stateList: { group } })
    return (reply.stateList?.items ?? []).map((item) => ({ key: item.key ?? '', value: parseJson(item.value) }))
  }

  async stateClear(invocationId: number, group: string): Promise<number> {
    const reply = await this.#request({ invocationId, stateClear: { group } })
    return num(reply.stateClear?.deleted)
  }

  async streamSet(invocationId: number, stream: string, group: string, id: string, value: unknown): Promise<void> {
    await this.#request({ invocationId, streamSet: { stream, group, id, value: jsonBytes(value) } })
  }

  async streamDelete(invocationId: number, stream: string, group: string, id: string): Promise<boolean> {
    const reply = await this.#request({ invocationId, streamDelete: { stream, group, id } })
    return reply.streamDelete?.deleted === true
  }

  async streamSend(invocationId: number, stream: string, group: string, event: unknown, id: string): Promise<void> {
    await this.#request({ invocationId, streamSend: { stream, group, event: jsonBytes(event), id } })
  }

  async streamGet(invocationId: number, stream: string, group: string, id: string): Promise<unknown> {
    const reply = await this.#request({ invocationId, streamGet: { stream, group, id } })
    return reply.streamGet?.found ? parseJson(reply.streamGet.value) : null
  }

  async streamList(invocationId: number, stream: string, group: string): Promise<Array<{ id: string; value: unknown }>> {
    const reply = await this.#request({ invocationId, streamList: { stream, group } })
    return (reply.streamList?.items ?? []).map((item) => ({ id: item.id ?? '', value: parseJson(item.value) }))
  }

  log(invocationId: number, level: string, message: string, fields: Record<string, unknown> | undefined): void {
    this.#send({ call: { invocationId, log: logRecord(level, message, fields) } })
  }

  /** Send a call and wait for the host's reply; a reply carrying an error rejects. */
  async #request(call: HostCall): Promise<HostCallReply> {
    if (this.closed) throw lost()
    const size = payloadBytes(call)
    if (size > MESSAGE_LIMIT) throw tooLarge(`this ${callKind(call)} call`, size)
    const callId = this.#nextCallId++
    call.callId = callId
    const reply = await new Promise<HostCallReply>((resolve) => {
      this.#pending.set(callId, resolve)
      this.#send({ call })
    })
    // Thrown here, after the await, so the stack shows the handler's async frames.
    if (reply.error) throw fromWire(reply.error)
    return reply
  }

  /** Write what is queued, end our side of the stream, and resolve when the host closes it. */
  finish(): Promise<void> {
    const stream = this.#stream
    if (stream === undefined || this.closed) return Promise.resolve()
    this.#write()
    return new Promise((resolve) => {
      stream.once('close', resolve)
      stream.once('status', () => resolve())
      stream.end()
    })
  }

  #end(error: Error | undefined, dispatch: Dispatch | undefined): void {
    if (this.closed) return
    this.closed = true
    const reply: HostCallReply = {
      error: { code: 'RUNTIME_LOST', message: 'the connection to the host closed', language: 'node' },
    }
    for (const resolve of this.#pending.values()) resolve(reply)
    this.#pending.clear()
    this.#client?.close()
    dispatch?.closed(error)
  }
}

/** A gRPC error's status, as `CODE: details` (another error's message). */
export function statusOf(error: Error): string {
  const { code, details } = error as Partial<grpc.ServiceError>
  return code === undefined ? error.message : `${grpc.status[code]}: ${details ?? ''}`
}

function tooLarge(what: string, size: number): StepError {
  return new StepError(
    `${what} is ${size} bytes; the host takes messages up to ${MESSAGE_LIMIT} bytes (max_message_bytes)`,
    { code: 'MESSAGE_TOO_LARGE', retryable: false },
  )
}

/** The bytes a call carries (its data and values): what may make it too large. */
function payloadBytes(call: HostCall): number {
  let size = 0
  for (const value of Object.values(call)) {
    if (value === null || typeof value !== 'object') continue
    for (const field of Object.values(value as Record<string, unknown>)) {
      if (field instanceof Uint8Array) size += field.length
      else if (typeof field === 'string') size += field.length
    }
  }
  return size
}

function callKind(call: HostCall): string {
  return Object.keys(call).find((key) => key !== 'callId' && key !== 'invocationId') ?? 'host'
}

function lost(): StepError {
  return new StepError('the connection to the host closed', { code: 'RUNTIME_LOST' })
}

function describeMessage(message: HostMessage | undefined): string {
  if (message === undefined) return 'an empty frame'
  const kind = Object.keys(message).find((key) => (message as Record<string, unknown>)[key] != null)
  return kind ?? 'an empty message'
}
