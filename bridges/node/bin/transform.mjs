// TypeScript to JavaScript for the loaders (hooks.mjs for ES modules, loaders.mjs for
// CommonJS): sucrase strips the types (and, for CommonJS, turns import/export into
// require/exports). Sucrase is plain JavaScript, so the bundled runtime needs no native
// binary; it keeps every line where it was, so stacks point at the TypeScript lines
// without source maps. Nothing is type-checked here (that is `tsc --noEmit`).
//
// Results are cached on disk by content (STEPHOST_CACHE_DIR, else a folder of the
// system's temporary directory), so a runtime that starts again transforms nothing,
// and sucrase itself is loaded only on a cache miss.
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/* global STEPHOST_BUNDLED */
// The bundle build (scripts/bundle.mjs) defines STEPHOST_BUNDLED (as sucrase's version);
// sucrase then sits beside the bundle as sucrase.cjs instead of in node_modules.
const BUNDLED = typeof STEPHOST_BUNDLED !== 'undefined'
const require = createRequire(import.meta.url)
// Bump when the options below change: cached output of other options must not be used.
const OPTIONS_VERSION = '2'

export const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts'])

let sucrase
let cacheKeyPrefix
let cacheDir

function load() {
  sucrase ??= require(BUNDLED ? './sucrase.cjs' : 'sucrase')
  return sucrase
}

function cacheFolder() {
  if (cacheDir === undefined) {
    const user = typeof process.getuid === 'function' ? process.getuid() : 'user'
    cacheDir = process.env.STEPHOST_CACHE_DIR || join(tmpdir(), `stephost-ts-${user}`)
    try {
      mkdirSync(cacheDir, { recursive: true, mode: 0o700 })
    } catch {
      cacheDir = ''
    }
  }
  return cacheDir
}

function keyOf(source, format) {
  // Sucrase's version is part of the key: a new sucrase never reads old output.
  cacheKeyPrefix ??= `${OPTIONS_VERSION}:${BUNDLED ? STEPHOST_BUNDLED : require('sucrase/package.json').version}:`
  return createHash('sha1').update(cacheKeyPrefix).update(format).update('\0').update(source).digest('hex')
}

/**
 * `source` (the text of `filename`) as JavaScript: an ES module (`format` 'esm') or
 * CommonJS ('cjs'). A syntax error is a SyntaxError whose message ends with
 * `(<filename>:<line>:<column>)`.
 */
export function transformTypeScript(source, filename, format) {
  const folder = cacheFolder()
  const key = keyOf(source, format)
  const cached = folder && join(folder, `${key}.js`)
  if (cached) {
    try {
      return readFileSync(cached, 'utf8')
    } catch {
      // not cached yet
    }
  }
  let code
  try {
    code = load().transform(source, {
      transforms: format === 'cjs' ? ['typescript', 'imports'] : ['typescript'],
      filePath: filename,
      disableESTransforms: true, // Node 20 runs modern syntax as it is
      preserveDynamicImport: true, // import() stays import(), so CommonJS can load ES modules
      injectCreateRequireForImportRequire: true, // `import x = require()` in ES modules
    }).code
  } catch (error) {
    throw syntaxError(error, filename)
  }
  if (format === 'cjs') code = commonJsImportMeta(code)
  if (cached) {
    try {
      const partial = `${cached}.${process.pid}.partial`
      writeFileSync(partial, code)
      renameSync(partial, cached)
    } catch {
      // a read-only or full disk costs a transform next time, nothing more
    }
  }
  return code
}

/**
 * `import.meta` is a syntax error in CommonJS; what a TypeScript file compiled to it can
 * mean by `import.meta.url`, `.filename` and `.dirname` is its own file (as tsx does).
 */
function commonJsImportMeta(code) {
  if (!code.includes('import.meta')) return code
  return code
    .replace(/\bimport\.meta\.url\b/g, "require('node:url').pathToFileURL(__filename).href")
    .replace(/\bimport\.meta\.filename\b/g, '__filename')
    .replace(/\bimport\.meta\.dirname\b/g, '__dirname')
}

function syntaxError(error, filename) {
  if (!(error instanceof Error) || error.loc === undefined) return error
  const what = error.message.replace(/^Error transforming .*?: /, '').replace(/ \(\d+:\d+\)$/, '')
  const problem = new SyntaxError(`${what} (${filename}:${error.loc.line}:${error.loc.column})`)
  return problem
}
