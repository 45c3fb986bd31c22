/**
 * Finds and imports `*.step.{ts,js,mts,mjs,cts,cjs}` files (and Motia's `*_step.{ts,js}`)
 * under `steps/` and `src/`; one failing file never hides the others. Stream files
 * (`*.stream.{ts,js}`, `*_stream.{ts,js}`) declare streams.
 *
 * Files are imported one by one with the runtime's importer (bin/loaders.mjs
 * projectImporter: CommonJS by `require`, ES modules by `import()`; plain `import()` when
 * none is given), whose loaders turn TypeScript into JavaScript on the way; a CommonJS
 * file's `module.exports` arrives as it is, or as the namespace's default. The host
 * checks each config (for every language alike): here a file only needs to export a
 * `config` object with a `name`, and a `handler` function unless it is a noop step. zod
 * schemas become JSON Schema.
 *
 * The host may narrow what a runtime loads (isolated steps): STEPHOST_ONLY_FILES names the
 * only step files to load (and no stream files), STEPHOST_SKIP_FILES files to skip;
 * project-relative paths, one a line.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { pathToFileURL } from 'node:url'

import { splitMiddleware } from './motia.ts'
import type { Middleware } from './motia.ts'
import { toJsonSchema } from './schema.ts'
import { codecFor, loadRegistry, registryPath, typedNames } from './typed.ts'
import type { TypedCodec, TypedNames } from './typed.ts'

export const STEP_FILE = /(?:\.step\.(?:ts|js|mts|mjs|cts|cjs)|_step\.(?:ts|js))$/
export const STREAM_FILE = /[._]stream\.(?:ts|js)$/
/** Where step files live: steps/, and src/ (the other layout of Motia projects). */
export const STEP_DIRS = ['steps', 'src'] as const
/** Installed packages are never searched (Motia keeps a virtualenv in python_modules). */
const SKIPPED_DIRS = new Set(['node_modules', 'python_modules'])
const SCHEMA_KEYS = ['bodySchema', 'input'] as const

export type Handler = (...args: unknown[]) => unknown
/**
 * Imports a project file by its absolute path: its namespace (or `module.exports`).
 * `generated`: the file is one `stephost gen` wrote (see projectImporter).
 */
export type FileImporter = (path: string, options?: { generated?: boolean }) => Promise<Record<string, unknown>>

/** `import()` as it is: what the runtime uses when its entry gives no importer (tests). */
const importByUrl: FileImporter = async (path) => (await import(pathToFileURL(path).href)) as Record<string, unknown>

/** A step file that imported and exports `config` and `handler`. */
export interface LoadedStep {
  name: string
  /** Path relative to the project root, with "/" separators. */
  file: string
  type: string
  /** The config as JSON, schemas converted. */
  config: Buffer
  handler: Handler
  /** `typed: true`: the message types its config names, then (once loaded) their codec. */
  typed?: TypedNames
  codec?: TypedCodec
  /** An api config's `middleware`, run in order around the handler. */
  middleware?: Middleware[]
}

/** A stream file's declaration. */
export interface LoadedStream {
  name: string
  file: string
  /** The config as JSON, its schema converted. */
  config: Buffer
}

/** A step file that could not be loaded, and why. */
export interface FileFailure {
  file: string
  code: 'LOAD_FAILED' | 'BAD_CONFIG'
  message: string
  stack: string
}

export class BadStepError extends Error {
  override name = 'BadStepError'
}

/** Step (or stream) files under `steps/` and `src/`, sorted; installed packages and
 * dot-folders are skipped. */
export function findStepFiles(project: string, pattern: RegExp = STEP_FILE): string[] {
  const found: string[] = []
  const walk = (dir: string): void => {
    let entries
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue
      const path = join(dir, entry.name)
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(path)
      } else if (pattern.test(entry.name)) {
        found.push(path)
      }
    }
  }
  for (const dir of STEP_DIRS) walk(join(project, dir))
  return found.sort()
}

/** Whether this runtime loads the step file `file` (see the module's comment). */
export function selected(file: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const only = env.STEPHOST_ONLY_FILES
  if (only) return only.split('\n').includes(file)
  return !(env.STEPHOST_SKIP_FILES ?? '').split('\n').includes(file)
}

export async function loadSteps(
  project: string,
  importFile: FileImporter = importByUrl,
): Promise<{ steps: LoadedStep[]; failures: FileFailure[]; streams: LoadedStream[] }> {
  const failures: FileFailure[] = []
  // An isolated step's runtime declares no streams: its shared runtime does.
  const streams = process.env.STEPHOST_ONLY_FILES ? [] : await importEach(project, importFile, STREAM_FILE, failures, streamFromModule)
  const steps = await importEach(project, importFile, STEP_FILE, failures, stepFromModule, selected)
  if (steps.some((step) => step.typed !== undefined)) await attachCodecs(project, importFile, steps, failures)
  return { steps, failures, streams }
}

/**
 * Imports each file matching `pattern` and builds what it declares; a file that does not
 * import, or declares nothing usable (BadStepError), is a failure.
 */
async function importEach<T>(
  project: string,
  importFile: FileImporter,
  pattern: RegExp,
  failures: FileFailure[],
  build: (module: Record<string, unknown>, file: string, path: string) => T,
  wanted: (file: string) => boolean = () => true,
): Promise<T[]> {
  const built: T[] = []
  for (const path of findStepFiles(project, pattern)) {
    const file = relative(project, path).split(sep).join('/')
    if (!wanted(file)) continue
    let module: Record<string, unknown>
    try {
      module = await importFile(path)
    } catch (error) {
      failures.push(loadFailure(file, path, error))
      continue
    }
    try {
      built.push(build(module, file, path))
    } catch (error) {
      if (!(error instanceof BadStepError)) throw error
      failures.push({ file, code: 'BAD_CONFIG', message: error.message, stack: error.stack ?? '' })
    }
  }
  return built
}

function streamFromModule(namespace: Record<string, unknown>, file: string, path: string): LoadedStream {
  const config = exportsOf(namespace).config
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new BadStepError(`${file}: a stream file must export \`config\` as an object`)
  }
  const raw = config as Record<string, unknown>
  if (typeof raw.name !== 'string' || raw.name === '') {
    throw new BadStepError(`${file}: the stream config needs a non-empty string \`name\``)
  }
  const converted: Record<string, unknown> = { ...raw }
  if (converted.schema !== undefined) converted.schema = convertSchema(converted.schema, file, 'schema', path)
  if (typeof converted.canAccess === 'function') converted.canAccess = converted.canAccess.name || 'canAccess'
  const base = converted.baseConfig as Record<string, unknown> | undefined
  if (typeof base?.factory === 'function') converted.baseConfig = { ...base, factory: base.factory.name || 'factory' }
  return { name: raw.name, file, config: Buffer.from(toJson(converted, file)) }
}

function toJson(value: Record<string, unknown>, file: string): string {
  try {
    return JSON.stringify(value)
  } catch (error) {
    throw new BadStepError(`${file}: config is not JSON: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/** Typed steps get their codecs from the generated registry; one that cannot is a failure. */
async function attachCodecs(project: string, importFile: FileImporter, steps: LoadedStep[], failures: FileFailure[]): Promise<void> {
  const path = registryPath(project)
  const where = relative(project, path).split(sep).join('/')
  let registry: Awaited<ReturnType<typeof loadRegistry>> | undefined
  let problem = ''
  try {
    registry = await loadRegistry(path, importFile)
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error)
  }
  for (const step of [...steps]) {
    if (step.typed === undefined) continue
    try {
      if (registry === undefined) throw new Error(problem)
      step.codec = codecFor(step.typed, registry, where)
    } catch (error) {
      steps.splice(steps.indexOf(step), 1)
      const why = error instanceof Error ? error.message : String(error)
      const message = `${step.file}: typed step ${step.name} cannot load its message types: ${why}`
      failures.push({ file: step.file, code: 'BAD_CONFIG', message, stack: '' })
    }
  }
}

function loadFailure(file: string, path: string, error: unknown): FileFailure {
  if (!(error instanceof Error)) {
    return { file, code: 'LOAD_FAILED', message: `${file} threw ${String(error)} while loading`, stack: '' }
  }
  const syntax = syntaxProblem(file, path, error)
  if (syntax !== undefined) return { file, code: 'LOAD_FAILED', ...syntax }
  return { file, code: 'LOAD_FAILED', message: `${error.name}: ${error.message}`, stack: error.stack ?? '' }
}

/**
 * A syntax error as `SyntaxError: <what> (<file>:<line>:<column>)` with a code frame.
 * TypeScript's come from the transform (bin/transform.mjs), whose message ends with
 * `(<path>:<line>:<column>)`; Node's own SyntaxError for an ES module carries no location
 * at all, so the file is checked again with `node --check`, which prints one.
 */
function syntaxProblem(file: string, path: string, error: Error): { message: string; stack: string } | undefined {
  if (!(error instanceof SyntaxError) && error.name !== 'SyntaxError') return undefined
  const transformed = new RegExp(`^(.*) \\(${escapeRegExp(path)}:(\\d+):(\\d+)\\)$`).exec(error.message)
  if (transformed !== null) {
    const line = Number(transformed[2])
    const column = Number(transformed[3])
    const where = `${file}:${line}:${column}`
    return { message: `SyntaxError: ${transformed[1]} (${where})`, stack: `SyntaxError: ${transformed[1]}\n${codeFrame(path, where, line, column - 1)}` }
  }
  const where = new RegExp(`${escapeRegExp(path)}:(\\d+)`)
  const inStack = where.exec(error.stack ?? '')
  if (inStack !== null) {
    // CommonJS: Node put the location and a code frame on top of the stack.
    return { message: `SyntaxError: ${error.message} (${file}:${inStack[1]})`, stack: error.stack ?? '' }
  }
  const check = spawnSync(process.execPath, ['--check', path], { encoding: 'utf8' })
  const location = where.exec(check.stderr ?? '')
  if (location === null) return undefined
  return {
    message: `SyntaxError: ${error.message} (${file}:${location[1]})`,
    stack: check.stderr.replaceAll(pathToFileURL(path).href, file).replaceAll(path, file).trim(),
  }
}

function codeFrame(path: string, where: string, line: number, column: number): string {
  let text = ''
  try {
    text = readFileSync(path, 'utf8').split('\n')[line - 1] ?? ''
  } catch {
    return `    at ${where}`
  }
  return `    at ${where}\n\n${text}\n${' '.repeat(column)}^`
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * The step a module defines; throws BadStepError naming what is missing. `path` (the
 * file's absolute path) lets zod schemas convert with the project's own zod.
 */
export function stepFromModule(namespace: Record<string, unknown>, file: string, path?: string): LoadedStep {
  const module = exportsOf(namespace)
  const config = module.config
  const handler = module.handler
  if (config === undefined) throw new BadStepError(`${file} exports no \`config\``)
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new BadStepError(`${file}: \`config\` must be an object, not ${kindOf(config)}`)
  }
  const raw = config as Record<string, unknown>
  if (typeof raw.name !== 'string' || raw.name === '') {
    throw new BadStepError(`${file}: config needs a non-empty string \`name\``)
  }
  if (raw.type !== 'noop' && typeof handler !== 'function') {
    throw new BadStepError(`${file} exports no \`handler\` function`)
  }
  const converted: Record<string, unknown> = { ...raw }
  for (const key of SCHEMA_KEYS) {
    if (converted[key] !== undefined) converted[key] = convertSchema(converted[key], file, key, path)
  }
  const responses = converted.responseSchema
  if (responses !== undefined) converted.responseSchema = convertResponses(responses, file, path)
  const middleware = splitMiddleware(raw)
  if (middleware !== undefined && 'problem' in middleware) throw new BadStepError(`${file}: ${middleware.problem}`)
  if (middleware !== undefined) converted.middleware = middleware.names
  const json = toJson(converted, file)
  const step: LoadedStep = {
    name: raw.name,
    file,
    type: String(raw.type),
    config: Buffer.from(json),
    handler: typeof handler === 'function' ? (handler as Handler) : noHandler,
  }
  const typed = typedNames(raw)
  if (typed !== undefined) step.typed = typed
  if (middleware !== undefined) step.middleware = middleware.functions
  return step
}

/** ESM named exports; or a CommonJS `module.exports` / an `export default {config, handler}`. */
function exportsOf(namespace: Record<string, unknown>): Record<string, unknown> {
  if (namespace.config !== undefined || namespace.handler !== undefined) return namespace
  const fallback = namespace.default
  if (typeof fallback === 'object' && fallback !== null) return fallback as Record<string, unknown>
  return namespace
}

function convertSchema(schema: unknown, file: string, key: string, path?: string): unknown {
  try {
    return toJsonSchema(schema, path)
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error)
    throw new BadStepError(`${file}: \`${key}\` could not be turned into JSON Schema: ${why}`)
  }
}

/** responseSchema is a schema, or schemas by status code. */
function convertResponses(value: unknown, file: string, path?: string): unknown {
  const converted = convertSchema(value, file, 'responseSchema', path)
  if (converted !== value || typeof value !== 'object' || value === null) return converted
  const out: Record<string, unknown> = {}
  for (const [status, schema] of Object.entries(value)) {
    out[status] = convertSchema(schema, file, `responseSchema.${status}`, path)
  }
  return out
}

function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return `a ${typeof value}`
}

function noHandler(): never {
  throw new BadStepError('noop steps have no handler')
}
