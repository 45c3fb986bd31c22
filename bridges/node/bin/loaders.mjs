// What both entries (the runtime, and node:test files run by `stephost test`) register
// before loading anything else:
//   - TypeScript files (.ts, .mts, .cts), imported or required, load without a build
//     step (transform.mjs);
//   - bare specifiers that name this runtime's own modules ('stephost', 'motia', ...)
//     mean them, from ESM or CommonJS code alike;
//   - packages the runtime lends a project that has none installed (LENT), from ESM or
//     CommonJS code alike; an installed one wins.
// The same files run from a checkout (bin/, with src/*.ts beside) and bundled into the
// wheel (scripts/bundle.mjs: one folder of .mjs/.cjs files, no node_modules).
import { readFileSync } from 'node:fs'
import Module, { createRequire, register } from 'node:module'
import { extname, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

import { moduleFormat } from './formats.mjs'
import { transformTypeScript } from './transform.mjs'

/* global STEPHOST_BUNDLED */
const BUNDLED = typeof STEPHOST_BUNDLED !== 'undefined'
// The runtime's own TypeScript, from a checkout (bundled, it is JavaScript already).
const OWN_SOURCES = fileURLToPath(new URL('../src/', import.meta.url))

/**
 * What the runtime lends a project that cannot resolve it itself: Motia steps import zod,
 * and a Motia project moved here may not have run `npm install`. These are the entries
 * of zod's package exports (all but the single locale files).
 */
export const LENT = ['zod', 'zod/mini', 'zod/v3', 'zod/v4', 'zod/v4-mini', 'zod/v4/mini', 'zod/v4/core', 'zod/locales', 'zod/v4/locales']

/** Where the bundle keeps a lent module, without the extension ('zod/v4' -> 'lent/zod/v4'). */
export function lentName(specifier) {
  return `lent/${specifier}`
}

/**
 * One of this runtime's public modules ('sdk', 'motia-sdk', 'testing'): its ES module URL
 * and the file a CommonJS `require` loads (from a checkout both are the TypeScript source).
 */
export function ownModule(name) {
  if (BUNDLED) return { esm: new URL(`./${name}.mjs`, import.meta.url), cjs: new URL(`./${name}.cjs`, import.meta.url) }
  const source = new URL(`../src/${name}.ts`, import.meta.url)
  return { esm: source, cjs: source }
}

/** A LENT specifier's files, as ownModule gives them: the bundle's copy, else node_modules'. */
function lentModule(specifier) {
  if (BUNDLED) {
    const name = lentName(specifier)
    return { esm: new URL(`./${name}.mjs`, import.meta.url), cjs: new URL(`./${name}.cjs`, import.meta.url) }
  }
  return { esm: new URL(import.meta.resolve(specifier)), cjs: pathToFileURL(createRequire(import.meta.url).resolve(specifier)) }
}

/**
 * `modules`: specifier -> ownModule(...) of the file it means. The CommonJS side is set up
 * at once, in this thread; the ES module hooks only by the function returned (once, however
 * often it is called): registering them starts Node's hooks thread, a second V8 isolate
 * (about 11 MB of the runtime's memory, and time at start), which a runtime whose project
 * is all CommonJS never needs (see projectImporter).
 */
export function registerLoaders(modules) {
  const lent = Object.fromEntries(LENT.map((specifier) => [specifier, lentModule(specifier)]))
  const esm = (files) => Object.fromEntries(Object.entries(files).map(([name, { esm }]) => [name, esm.href]))
  let registered = false
  const registerEsmHooks = () => {
    if (registered) return
    registered = true
    register('./hooks.mjs', import.meta.url, { data: { modules: esm(modules), lent: esm(lent) } })
  }
  const compile = (module, filename) => {
    // The format says CommonJS whatever the package's `type` (Node 20.19+ reads it).
    module._compile(transformTypeScript(readFileSync(filename, 'utf8'), filename, 'cjs'), filename, 'commonjs')
  }
  // What a project's CommonJS file loads with import() (kept as it is when TypeScript is
  // compiled to CommonJS) may need the hooks: they start before such a file runs. (The
  // runtime's own import() loads project files: projectImporter.)
  const compileModule = Module.prototype._compile
  Module.prototype._compile = function (content, filename, ...rest) {
    if (!registered && content.includes('import(') && isProjectFile(filename)) registerEsmHooks()
    return compileModule.call(this, content, filename, ...rest)
  }
  Module._extensions['.ts'] = compile
  Module._extensions['.cts'] = compile
  // CommonJS `require('stephost')`: the CommonJS resolver does not consult ESM hooks on Node 20.
  const cjs = (files) => new Map(Object.entries(files).map(([name, { cjs }]) => [name, fileURLToPath(cjs)]))
  const paths = cjs(modules)
  const lentPaths = cjs(lent)
  const resolveFilename = Module._resolveFilename
  Module._resolveFilename = function (request, parent, ...rest) {
    const own = paths.get(request)
    if (own !== undefined) return resolveFilename.call(this, own, parent, ...rest)
    try {
      return resolveFilename.call(this, request, parent, ...rest)
    } catch (error) {
      if (error?.code !== 'MODULE_NOT_FOUND') throw error
      const lentPath = lentPaths.get(request)
      if (lentPath !== undefined) return lentPath
      // From TypeScript, `./x.js` means `./x.ts` (as tsc resolves it).
      const fromTs = /\.c?ts$/.test(parent?.filename ?? '')
      if (!fromTs || !/^\.\.?\/.*\.c?js$/.test(request)) throw error
      return resolveFilename.call(this, request.replace(/js$/, 'ts'), parent, ...rest)
    }
  }
  return registerEsmHooks
}

function isProjectFile(filename) {
  return !filename.startsWith(OWN_SOURCES) && !filename.includes(`${sep}node_modules${sep}`)
}

/**
 * How the runtime imports a project's files (steps, streams, the generated registry):
 * a CommonJS file (formats.mjs) by `require`, in this thread, through the hooks
 * registerLoaders set up; an ES module by `import()`, once `registerEsmHooks` has run.
 * `generated`: a TypeScript file `stephost gen` wrote (the registry of typed steps and
 * the message objects it imports): ES module syntax in a `"type": "module"` folder, but
 * with no top-level await and no `import.meta`, so it runs compiled to CommonJS too, by
 * `require`, and a project whose own files are all CommonJS never starts the hooks.
 * Resolves to the module's namespace, or to a CommonJS file's `module.exports`.
 */
export function projectImporter(registerEsmHooks) {
  const require = createRequire(import.meta.url)
  return async (path, { generated = false } = {}) => {
    if (generated || (moduleFormat(path) === 'commonjs' && !mayHaveModuleSyntax(path))) return require(path)
    registerEsmHooks()
    return import(pathToFileURL(path).href)
  }
}

/**
 * Whether a `.js` file of a CommonJS package may be written as an ES module, which Node
 * then loads as one (it detects the syntax): `require` would load it without the hooks,
 * so that its `import ... from 'stephost'` (or a lent 'zod') would not resolve. Any
 * `import` or `export` word counts (a step that is an ES module exports its config); a
 * false alarm only starts the hooks.
 */
function mayHaveModuleSyntax(path) {
  return extname(path) === '.js' && /\b(?:import|export)\b/.test(readFileSync(path, 'utf8'))
}
