/**
 * stephost/testing: drive a real host from a project's node:test files.
 *
 * ```ts
 * import assert from 'node:assert/strict'
 * import { after, test } from 'node:test'
 * import { startApp } from 'stephost/testing'
 *
 * const app = await startApp()          // the project of the working folder
 * after(() => app.close())
 *
 * test('an order is scored', async () => {
 *   const response = await app.post('/orders', { json: { item: 'book' } })
 *   assert.equal(response.status, 201)
 *   const { id } = await response.json()
 *   await app.waitIdle()
 *   assert.equal((await app.state.get<{ status: string }>('orders', id))?.status, 'scored')
 * })
 * ```
 *
 * `startApp` runs `stephost start --port 0` (the Python CLI: `<python> -m stephost_host.cli`) on
 * the project with every runtime it needs, a fresh temporary data folder and JSON logs,
 * and resolves once the host says it is serving. The verbs are those of the Python
 * harness (host/testing.py): everything goes through real processes and the host's HTTP
 * API; nothing is mocked. `stephost test` runs test files with this module resolvable as
 * 'stephost/testing' and STEPHOST_PYTHON set to its own Python.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

/** The host did not start, or did not reach an awaited condition in time. */
export class HarnessError extends Error {
  override name = 'HarnessError'
}

export interface StartOptions {
  /** The project folder; by default the nearest folder with `steps/` from the working folder. */
  project?: string
  /** Extra environment of the host (and so of its runtimes). */
  env?: Record<string, string>
  /** The Python that has stephost installed: STEPHOST_PYTHON, else this checkout's .venv, else python3. */
  python?: string
  /** `start` (default) or `dev` (reloads on file changes). */
  command?: 'start' | 'dev'
  /** More arguments of the command. */
  args?: string[]
  /** How long the host may take to serve; 60 s by default. */
  startTimeoutMs?: number
  /**
   * startApp rejects when a step file does not load, with every file, error and stack;
   * true serves anyway (a test about broken files reads `app.problems()`).
   */
  allowLoadProblems?: boolean
}

export interface RequestOptions {
  /** A JSON body (sent with content-type application/json). */
  json?: unknown
  /** A raw body, instead of `json`. */
  body?: string | Uint8Array
  headers?: Record<string, string>
  /** Query parameters. */
  params?: Record<string, string | number | boolean>
}

export interface EmitOptions {
  groupId?: string
  idempotencyKey?: string
  delayMs?: number
  priority?: number
}

export interface EmitResult {
  messageId: string
  duplicate: boolean
  subscribers: string[]
  traceId: string
}

export interface WaitOptions {
  timeoutMs?: number
  /** What is awaited, for the error message. */
  what?: string
}

/** One structured log line of the host (every hop's, the runtimes' included). */
export type LogLine = Record<string, unknown>

/** A delivery parked after its last attempt. */
export interface DeadLetter {
  id: string
  messageId: string
  step: string
  topic: string
  data: unknown
  traceId: string
  attempts: number
  error: {
    code: string
    message: string
    type: string
    language: string
    step: string
    stack: string
    retryable: boolean
    [key: string]: unknown
  }
  createdMs: number
  deadMs: number
}

export interface RuntimeHealth {
  language: string
  pid: number
  [key: string]: unknown
}

/** A step file (or config) that could not be loaded, and why. */
export interface LoadProblem {
  file: string
  language: string
  error: { code: string; message: string; stack: string; [key: string]: unknown }
}

export interface Health {
  status: string
  runtimes: RuntimeHealth[]
  problems: LoadProblem[]
  [key: string]: unknown
}

/** Load problems as a failing test shows them: each file, its error, and its stack. */
export function describeProblems(problems: LoadProblem[]): string {
  const parts = [`${problems.length} step file(s) could not be loaded:`]
  for (const problem of problems) {
    // The file once, though runtimes often name it in the message too.
    const { file, language } = problem
    const message = problem.error.message.includes(file) ? problem.error.message : `${file}: ${problem.error.message}`
    parts.push(`\n(${language}) ${message}`)
    if (problem.error.stack) parts.push(problem.error.stack.trimEnd())
  }
  return parts.join('\n')
}

const POLL_MS = 20
const SERVING = 'stephost is serving'

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms))
}

/** The nearest folder at or above `start` with a `steps/` folder. */
export function findProject(start: string): string {
  let folder = resolve(start)
  for (;;) {
    const steps = join(folder, 'steps')
    if (existsSync(steps) && statSync(steps).isDirectory()) return folder
    const parent = dirname(folder)
    if (parent === folder) throw new HarnessError(`no folder with steps/ at or above ${start}; pass startApp({ project })`)
    folder = parent
  }
}

/** STEPHOST_PYTHON, else the .venv of the checkout this module lives in, else python3. */
export function findPython(): string {
  const configured = process.env.STEPHOST_PYTHON
  if (configured) return configured
  const venv = fileURLToPath(new URL('../../../.venv/bin/python', import.meta.url))
  return existsSync(venv) ? venv : 'python3'
}

class AppState {
  constructor(private readonly app: StephostApp) {}

  /** The value, or null when the key does not exist. */
  async get<Value = unknown>(group: string, key: string): Promise<Value | null> {
    const response = await this.app.get(`/_stephost/state/${encodeURIComponent(group)}/${encodeURIComponent(key)}`)
    if (response.status === 404) return null
    return ((await ok(response)) as { value: Value }).value
  }

  async set(group: string, key: string, value: unknown): Promise<void> {
    const path = `/_stephost/state/${encodeURIComponent(group)}/${encodeURIComponent(key)}`
    await ok(await this.app.put(path, { json: value }))
  }

  /** Every `{key, value}` of the group, ordered by key. */
  async list<Value = unknown>(group: string): Promise<Array<{ key: string; value: Value }>> {
    const response = await this.app.get(`/_stephost/state/${encodeURIComponent(group)}`)
    return ((await ok(response)) as { items: Array<{ key: string; value: Value }> }).items
  }
}

/** The JSON of a 2xx response; a HarnessError with the body otherwise. */
async function ok(response: Response): Promise<unknown> {
  const text = await response.text()
  if (!response.ok) throw new HarnessError(`${response.url}: ${response.status} ${text}`)
  return text === '' ? null : JSON.parse(text)
}

/** A running host; start one with `startApp`. */
export class StephostApp {
  readonly project: string
  readonly dataDir: string
  /** `http://127.0.0.1:<port>` once started: the api listener. */
  url = ''
  /** The admin listener (`/_stephost/` requests go there); '' when the host has none. */
  adminUrl = ''
  /** The host's JSON log lines, in order. */
  readonly lines: LogLine[] = []
  /** Every line it printed (JSON or not). */
  readonly rawOutput: string[] = []
  readonly state: AppState = new AppState(this)
  #child: ChildProcess | undefined
  #exited: Promise<number | null> | undefined
  #ownsDataDir: boolean
  #killOnExit = (): void => this.#signal('SIGKILL')

  constructor(project: string, dataDir?: string) {
    this.project = resolve(project)
    this.#ownsDataDir = dataDir === undefined
    this.dataDir = dataDir ?? mkdtempSync(join(tmpdir(), 'stephost-test-'))
  }

  /** Start the host; resolves once it serves. */
  async start(options: StartOptions = {}): Promise<this> {
    const python = options.python ?? findPython()
    const command = options.command ?? 'start'
    const child = spawn(python, ['-m', 'stephost_host.cli', command, '--port', '0', ...(options.args ?? [])], {
      cwd: this.project,
      env: {
        ...process.env,
        STEPHOST_DATA_DIR: this.dataDir,
        STEPHOST_LOG_FORMAT: 'json',
        STEPHOST_LOG_LEVEL: 'debug',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group: stopping it stops its runtimes too
    })
    this.#child = child
    // A test process that dies without close() must not leave a host behind.
    process.on('exit', this.#killOnExit)
    let spawnError: Error | undefined
    this.#exited = new Promise((done) => {
      child.once('close', (code) => done(code))
      child.once('error', (error) => {
        if (child.pid !== undefined) return
        spawnError = error // it never started, so it never closes
        done(null)
      })
    })
    let serving: () => void = () => {}
    const ready = new Promise<void>((done) => (serving = done))
    for (const stream of [child.stdout, child.stderr]) {
      if (stream === null) continue
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (text) => {
        if (this.#read(text)) serving()
      })
    }
    const timeoutMs = options.startTimeoutMs ?? 60_000
    let timer: NodeJS.Timeout | undefined
    const outcome = await Promise.race([
      ready.then(() => 'ready' as const),
      this.#exited.then((code) =>
        spawnError === undefined ? `exited with code ${code}` : `could not be started (${python}): ${spawnError.message}`,
      ),
      new Promise<string>((done) => (timer = setTimeout(() => done(`did not serve within ${timeoutMs} ms`), timeoutMs))),
    ])
    clearTimeout(timer)
    if (outcome !== 'ready') {
      await this.close()
      const output = this.rawOutput.slice(-40).join('\n')
      throw new HarnessError(`the host ${outcome}; its output:\n${output}`)
    }
    return this
  }

  /** Keeps a line; true when it is the host's "serving" line. */
  #read(text: string): boolean {
    this.rawOutput.push(text)
    let line: unknown
    try {
      line = JSON.parse(text)
    } catch {
      return false
    }
    if (typeof line !== 'object' || line === null || Array.isArray(line)) return false
    const record = line as LogLine
    this.lines.push(record)
    if (record.event === SERVING && typeof record.url === 'string') {
      this.url = record.url
      const admin = record.admin_url
      this.adminUrl = typeof admin === 'string' && admin !== 'off' ? admin : ''
      return true
    }
    return false
  }

  #signal(signal: NodeJS.Signals): void {
    const pid = this.#child?.pid
    if (pid === undefined || this.#child?.exitCode !== null || this.#child.signalCode !== null) return
    try {
      process.kill(-pid, signal)
    } catch {
      // already gone
    }
  }

  /** Stop the host (SIGTERM, then SIGKILL after `timeoutMs`); its exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 20_000): Promise<number | null> {
    if (this.#exited === undefined) return null
    this.#signal(signal)
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<'late'>((done) => (timer = setTimeout(() => done('late'), timeoutMs)))
    const code = await Promise.race([this.#exited, late])
    clearTimeout(timer)
    if (code === 'late') {
      this.#signal('SIGKILL')
      return this.#exited
    }
    return code
  }

  /** Stop the host and drop its data folder (when startApp made it). */
  async close(): Promise<void> {
    await this.stop()
    process.removeListener('exit', this.#killOnExit)
    if (this.#ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true })
  }

  // -- HTTP ------------------------------------------------------------------

  /** A request to the api listener, or to the admin listener for `/_stephost/` paths. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    if (this.url === '') throw new HarnessError('the host is not running')
    const base = path.startsWith('/_stephost/') && this.adminUrl !== '' ? this.adminUrl : this.url
    const url = new URL(path, base)
    for (const [name, value] of Object.entries(options.params ?? {})) url.searchParams.append(name, String(value))
    const headers: Record<string, string> = { ...options.headers }
    let body: string | Uint8Array | undefined = options.body
    if (options.json !== undefined) {
      body = JSON.stringify(options.json)
      if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/json'
      }
    }
    return fetch(url, { method, headers, body: body ?? null })
  }

  get(path: string, options?: RequestOptions): Promise<Response> {
    return this.request('GET', path, options)
  }

  post(path: string, options?: RequestOptions): Promise<Response> {
    return this.request('POST', path, options)
  }

  put(path: string, options?: RequestOptions): Promise<Response> {
    return this.request('PUT', path, options)
  }

  delete(path: string, options?: RequestOptions): Promise<Response> {
    return this.request('DELETE', path, options)
  }

  // -- the host's verbs ------------------------------------------------------

  /** Publish `data` on `topic` as if a step had emitted it. */
  async emit(topic: string, data: unknown = null, options: EmitOptions = {}): Promise<EmitResult> {
    const response = await this.post('/_stephost/emit', { json: { topic, data, ...options } })
    if (response.status !== 202) {
      throw new HarnessError(`emit ${topic} failed: ${response.status} ${await response.text()}`)
    }
    return (await response.json()) as EmitResult
  }

  async stats(): Promise<Record<string, unknown>> {
    return (await ok(await this.get('/_stephost/stats'))) as Record<string, unknown>
  }

  /** Until no delivery is queued, delayed, leased or running (dead letters aside). */
  async waitIdle(options: WaitOptions = {}): Promise<void> {
    await this.waitFor(async () => (await this.stats()).idle === true, { what: 'the host to be idle', ...options })
  }

  /** Until `condition` returns something truthy, which is returned. */
  async waitFor<T>(condition: () => T | Promise<T>, options: WaitOptions = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? 30_000
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const result = await condition()
      if (result) return result
      if (Date.now() > deadline) {
        throw new HarnessError(`timed out after ${timeoutMs} ms waiting for ${options.what ?? 'the condition'}`)
      }
      await sleep(POLL_MS)
    }
  }

  /** The data of the messages emitted on `topic`, oldest first. */
  async captured<Data = unknown>(topic: string): Promise<Data[]> {
    const response = await this.get('/_stephost/messages', { params: { topic, limit: 100_000 } })
    return ((await ok(response)) as { items: Array<{ data: Data }> }).items.map((item) => item.data)
  }

  /** The dead letters, of one step or all. */
  async dlq(step?: string): Promise<DeadLetter[]> {
    const response = await this.get('/_stephost/dlq', step === undefined ? {} : { params: { step } })
    return ((await ok(response)) as { items: DeadLetter[] }).items
  }

  /** The host's log lines (every hop's, runtimes' included), optionally one trace's. */
  logs(traceId?: string): LogLine[] {
    if (traceId === undefined) return [...this.lines]
    return this.lines.filter((line) => line.trace_id === traceId)
  }

  async health(): Promise<Health> {
    return (await ok(await this.get('/_stephost/health'))) as Health
  }

  /** The step files (or configs) that could not be loaded. */
  async problems(): Promise<LoadProblem[]> {
    return (await this.health()).problems
  }

  /** Run the cron step `name` now, once (its run is queued like a tick's; then `waitIdle()`). */
  async runCron(name: string): Promise<{ step: string; messageId: string; traceId: string }> {
    const response = await this.post(`/_stephost/cron/${encodeURIComponent(name)}/run`)
    if (response.status !== 202) {
      throw new HarnessError(`cron run ${name} failed: ${response.status} ${await response.text()}`)
    }
    return (await response.json()) as { step: string; messageId: string; traceId: string }
  }

  async runtimePids(language: string): Promise<number[]> {
    return (await this.health()).runtimes.filter((r) => r.language === language).map((r) => r.pid)
  }
}

/**
 * A running host of `options.project` (by default the project of the working folder);
 * rejects when a step file does not load, unless `allowLoadProblems`.
 */
export async function startApp(options: StartOptions = {}): Promise<StephostApp> {
  const app = await new StephostApp(options.project ?? findProject(process.cwd())).start(options)
  if (options.allowLoadProblems !== true) {
    const problems = await app.problems()
    if (problems.length > 0) {
      await app.close()
      throw new HarnessError(describeProblems(problems))
    }
  }
  return app
}
