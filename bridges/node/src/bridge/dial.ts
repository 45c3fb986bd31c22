/**
 * How the runtime reaches the host: the channel (plain, or TLS) and the retries.
 *
 * Read from the environment the host (or `stephost runtime --connect`) gives it:
 * STEPHOST_TLS_CA (a PEM file of the certificates to trust: dial over TLS), STEPHOST_TLS
 * (`1`: TLS, trusting the system's certificates), STEPHOST_TLS_SERVER_NAME (the name the
 * host's certificate must carry; default the address's host), STEPHOST_CONNECT_TIMEOUT_S
 * (how long to keep dialing a host that does not answer; default: until the process that
 * started us is gone). The same settings, and the same backoff, as the Python runtime's
 * `stephost/_bridge/dial.py`.
 */
import { readFileSync } from 'node:fs'

import * as grpc from '@grpc/grpc-js'

/** Milliseconds between tries; the last one repeats. */
const BACKOFF_MS = [100, 200, 500, 1000, 2000, 5000]

export interface Dial {
  address: string
  tls: boolean
  /** The certificates to trust; undefined: the system's. */
  ca?: Buffer
  serverName: string
  /** 0: no limit. */
  timeoutMs: number
}

/** The dial settings in `env`; an Error says which one is wrong. */
export function dialFromEnv(address: string, env: NodeJS.ProcessEnv = process.env): Dial {
  const caFile = env.STEPHOST_TLS_CA ?? ''
  let ca: Buffer | undefined
  if (caFile !== '') {
    try {
      ca = readFileSync(caFile)
    } catch (error) {
      throw new Error(`cannot read STEPHOST_TLS_CA ${caFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
    }
  }
  const rawTimeout = env.STEPHOST_CONNECT_TIMEOUT_S || '0'
  const timeout = Number(rawTimeout)
  if (!Number.isFinite(timeout)) {
    throw new Error(`STEPHOST_CONNECT_TIMEOUT_S must be a number of seconds, got '${rawTimeout}'`)
  }
  return {
    address,
    tls: ca !== undefined || env.STEPHOST_TLS === '1' || env.STEPHOST_TLS === 'true',
    ca,
    serverName: env.STEPHOST_TLS_SERVER_NAME ?? '',
    timeoutMs: timeout * 1000,
  }
}

/** The channel's credentials and options for `dial`. */
export function channel(dial: Dial, options: grpc.ChannelOptions): [grpc.ChannelCredentials, grpc.ChannelOptions] {
  if (!dial.tls) return [grpc.credentials.createInsecure(), options]
  const withName = dial.serverName ? { ...options, 'grpc.ssl_target_name_override': dial.serverName } : options
  return [grpc.credentials.createSsl(dial.ca ?? null), withName]
}

/** When to dial again: the next wait in ms, or undefined once giving up (the time limit
 * passed, or the process that started the runtime is gone, so nobody waits for it). */
export class Retry {
  #deadline: number | undefined
  #parent = process.ppid
  #tries = 0

  constructor(timeoutMs: number) {
    this.#deadline = timeoutMs > 0 ? Date.now() + timeoutMs : undefined
  }

  nextWait(): number | undefined {
    if (this.#deadline !== undefined && Date.now() >= this.#deadline) return undefined
    if (process.ppid !== this.#parent) return undefined
    const wait = BACKOFF_MS[Math.min(this.#tries, BACKOFF_MS.length - 1)]!
    this.#tries += 1
    return wait
  }
}
