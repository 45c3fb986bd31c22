/**
 * A scripted host for the runtime's tests: a real gRPC server speaking the contract,
 * and the real runtime process (bin/stephost-node.mjs) dialing it. The test plays the
 * host's part message by message.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import * as grpc from '@grpc/grpc-js'

import { v1 } from '../src/bridge/wire.ts'
import type { Hello, HostMessage, RuntimeMessage } from '../src/bridge/wire.ts'

// STEPHOST_NODE_BUNDLE (scripts/test-bundle.mjs) runs the bundled runtime instead.
export const BUNDLE = process.env.STEPHOST_NODE_BUNDLE
export const ENTRY = BUNDLE
  ? join(BUNDLE, 'stephost-node.mjs')
  : fileURLToPath(new URL('../bin/stephost-node.mjs', import.meta.url))
const WAIT_MS = 15_000

type RuntimeFrame = { messages: RuntimeMessage[] }
type HostFrame = { messages: HostMessage[] }
type Call = grpc.ServerDuplexStream<RuntimeFrame, HostFrame>

/** Resolves with the next value pushed, or the ones already queued. */
class Queue<T> {
  #items: T[] = []
  #waiters: Array<(item: T) => void> = []

  push(item: T): void {
    const waiter = this.#waiters.shift()
    if (waiter) waiter(item)
    else this.#items.push(item)
  }

  next(what: string): Promise<T> {
    const item = this.#items.shift()
    if (item !== undefined) return Promise.resolve(item)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), WAIT_MS)
      this.#waiters.push((value) => {
        clearTimeout(timer)
        resolve(value)
      })
    })
  }
}

/** One runtime's stream, from the host's side. */
export class HostSide {
  readonly frames: RuntimeFrame[] = []
  readonly hello: Hello
  #messages = new Queue<RuntimeMessage>()
  #ended: Promise<void>

  constructor(
    private readonly call: Call,
    hello: Hello,
  ) {
    this.hello = hello
    this.#ended = new Promise((resolve) => {
      call.on('end', () => resolve())
      call.on('error', () => resolve())
    })
    call.on('data', (frame: RuntimeFrame) => {
      this.frames.push(frame)
      for (const message of frame.messages) this.#messages.push(message)
    })
  }

  send(...messages: HostMessage[]): void {
    this.call.write({ messages })
  }

  /** The next message from the runtime; heartbeats only when asked for. */
  async next(kind?: keyof RuntimeMessage): Promise<RuntimeMessage> {
    for (;;) {
      const message = await this.#messages.next(kind ?? 'a message')
      if (kind === undefined || message[kind] != null) return message
      if (message.call?.log) continue // log lines may come at any time
      throw new Error(`expected ${kind}, got ${JSON.stringify(Object.keys(message))}`)
    }
  }

  /** The runtime ended its side of the stream. */
  ended(): Promise<void> {
    return this.#ended
  }

  /** End the host's side (as when the host goes away cleanly). */
  close(): void {
    this.call.end()
  }
}

export class FakeHost {
  readonly server = new grpc.Server()
  address = ''
  #connections = new Queue<HostSide>()
  /** Set to refuse every Hello with this message (FAILED_PRECONDITION). */
  refuse: string | undefined

  async start(): Promise<string> {
    this.server.addService(
      {
        Connect: {
          path: '/stephost.v1.RuntimeService/Connect',
          requestStream: true,
          responseStream: true,
          requestSerialize: (frame: RuntimeFrame) => Buffer.from(v1.RuntimeFrame.encode(frame).finish()),
          requestDeserialize: (bytes: Buffer) => v1.RuntimeFrame.decode(bytes) as RuntimeFrame,
          responseSerialize: (frame: HostFrame) => Buffer.from(v1.HostFrame.encode(frame).finish()),
          responseDeserialize: (bytes: Buffer) => v1.HostFrame.decode(bytes) as HostFrame,
        },
      },
      { Connect: (call: Call) => this.#connect(call) },
    )
    const port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    )
    this.address = `127.0.0.1:${port}`
    return this.address
  }

  #connect(call: Call): void {
    call.once('data', (frame: RuntimeFrame) => {
      const hello = frame.messages[0]?.hello
      if (!hello) {
        call.emit('error', { code: grpc.status.FAILED_PRECONDITION, details: 'the first message must be a Hello' })
        return
      }
      if (this.refuse !== undefined) {
        call.emit('error', { code: grpc.status.FAILED_PRECONDITION, details: this.refuse })
        return
      }
      call.write({
        messages: [{ welcome: { contractVersion: v1.ContractVersion.CONTRACT_VERSION_CURRENT, hostVersion: 'fake', heartbeatIntervalMs: 10_000 } }],
      })
      this.#connections.push(new HostSide(call, hello))
    })
  }

  accept(): Promise<HostSide> {
    return this.#connections.next('a runtime to connect')
  }

  stop(): void {
    this.server.forceShutdown()
  }
}

/** The runtime process, launched as the host launches it. */
export class RuntimeProcess {
  readonly child: ChildProcess
  stdout = ''
  stderr = ''
  readonly exited: Promise<number | null>

  constructor(address: string, project: string, env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [ENTRY], {
      cwd: project,
      env: {
        ...process.env,
        STEPHOST_HOST_ADDRESS: address,
        STEPHOST_RUNTIME_ID: 'node-test-1',
        STEPHOST_PROJECT_DIR: project,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.child.stdout!.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()))
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()))
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)))
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL')
  }
}

/** JSON bytes, as the host sends payloads. */
export function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value))
}

/** Bytes from the runtime, parsed. */
export function parse(bytes: Uint8Array | null | undefined): unknown {
  return bytes && bytes.length ? JSON.parse(Buffer.from(bytes).toString('utf8')) : null
}
