/**
 * The Node runtime process (bin/stephost-node.mjs runs this).
 *
 * The host launches it with STEPHOST_HOST_ADDRESS (the gRPC address to dial),
 * STEPHOST_RUNTIME_KEY (what lets it in), STEPHOST_RUNTIME_ID and
 * STEPHOST_PROJECT_DIR in its environment (`stephost runtime --connect` does the same for
 * a remote host, with a runtime token as the key, and TLS: bridge/dial.ts). It loads the
 * project's TS/JS steps, announces them in Hello, then runs invocations concurrently
 * until the host drains it or the stream ends.
 *
 * With STEPHOST_RUNTIME_PARAMS=stdin, the address, id and key come as one JSON line on
 * stdin, read once the steps are loaded: the host starts it so before it has loaded
 * itself, and says where to connect once it can (host/runtimes/prewarm.py).
 */
import { resolve } from 'node:path'

import { HostConnection, HostRefusedError, statusOf } from './bridge/connection.ts'
import { dialFromEnv } from './bridge/dial.ts'
import type { Dial } from './bridge/dial.ts'
import { loadSteps } from './loader.ts'
import type { FileImporter } from './loader.ts'
import { NodeRuntime } from './runtime.ts'

const DRAIN_CLOSE_TIMEOUT_MS = 5000

function fatal(message: string): never {
  process.stderr.write(`stephost node runtime: ${message}\n`)
  process.exit(1)
}

/** The params a runtime started early waits for on stdin (end of input: not needed). */
interface Params {
  address: string
  id: string
  key: string
}

async function paramsFromStdin(): Promise<Params> {
  let text = ''
  for await (const chunk of process.stdin) {
    text += String(chunk)
    if (text.includes('\n')) break
  }
  if (!text) process.exit(0)
  const line = text.split('\n', 1)[0]
  let params: Partial<Record<keyof Params, unknown>>
  try {
    params = JSON.parse(line) as Partial<Record<keyof Params, unknown>>
  } catch {
    // (not the parser's message: it quotes the line, which holds the key)
    fatal(`${PARAMS_ENV}=stdin, but its first line is not JSON: {"address", "id", "key"} expected`)
  }
  for (const name of ['address', 'id', 'key'] as const) {
    if (typeof params?.[name] !== 'string') fatal(`${PARAMS_ENV}=stdin, but its first line has no string '${name}'`)
  }
  return params as Params
}

function dialOrExit(address: string): Dial {
  try {
    return dialFromEnv(address)
  } catch (error) {
    process.stderr.write(`stephost node runtime: ${(error as Error).message}\n`)
    process.exit(2)
  }
}

const PARAMS_ENV = 'STEPHOST_RUNTIME_PARAMS'

/** `importFile`: how project files are imported (the entry's projectImporter). */
export async function main(importFile?: FileImporter): Promise<void> {
  const waiting = process.env[PARAMS_ENV] === 'stdin'
  delete process.env[PARAMS_ENV]
  const address = process.env.STEPHOST_HOST_ADDRESS
  if (!address && !waiting) {
    process.stderr.write('stephost node runtime: STEPHOST_HOST_ADDRESS is not set (the host sets it)\n')
    process.exit(2)
  }
  // Out of the environment at once: processes a handler starts never inherit it.
  let key = process.env.STEPHOST_RUNTIME_KEY ?? ''
  delete process.env.STEPHOST_RUNTIME_KEY
  let dial = address && !waiting ? dialOrExit(address) : undefined
  const project = resolve(process.env.STEPHOST_PROJECT_DIR ?? '.')
  process.chdir(project)

  let runtime: NodeRuntime | undefined
  const escaped = (origin: string) => (error: unknown) => {
    if (runtime?.escaped(error, origin)) return
    const text = error instanceof Error ? (error.stack ?? String(error)) : String(error)
    fatal(`${origin} outside any invocation; exiting so the host restarts the runtime\n${text}`)
  }
  process.on('uncaughtException', escaped('uncaught exception'))
  process.on('unhandledRejection', escaped('unhandled rejection'))

  const { steps, failures, streams } = await loadSteps(project, importFile)
  if (dial === undefined) {
    const params = await paramsFromStdin()
    process.env.STEPHOST_HOST_ADDRESS = params.address
    process.env.STEPHOST_RUNTIME_ID = params.id
    key = params.key
    dial = dialOrExit(params.address)
  }
  const conn = new HostConnection(dial, key)
  runtime = new NodeRuntime(conn, steps)
  const active = runtime
  try {
    await conn.open(steps, failures, streams, {
      invocation: (invocation) => active.invoke(invocation),
      cancel: (invocationId, reason) => active.cancel(invocationId, reason),
      drain: () =>
        active.drain(() => {
          conn.sendDrained()
          setTimeout(() => process.exit(0), DRAIN_CLOSE_TIMEOUT_MS).unref()
          void conn.finish().then(() => process.exit(0))
        }),
      closed: (error) => {
        // The host went away, ended the stream (say why), or closed it after Drained.
        if (error !== undefined) process.stderr.write(`stephost node runtime: the connection to the host ended (${statusOf(error)})\n`)
        process.exit(error === undefined ? 0 : 1)
      },
    })
  } catch (error) {
    if (error instanceof HostRefusedError) {
      process.stderr.write(`stephost node runtime: ${error.message}\n`)
      process.exit(2)
    }
    throw error
  }
}
