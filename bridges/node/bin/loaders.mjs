// What both entries (the runtime, and node:test files run by `stephost test`) register
// before loading anything else:
//   - TypeScript files (.ts, .mts, .cts), imported or required, load without a build
//     step (transform.mjs);
//   - bare specifiers that name this runtime's own modules ('stephost', ...) mean them,
//     from ESM or CommonJS code alike.
// The same files run from a checkout (bin/, with src/*.ts beside) and bundled into the
// wheel (scripts/bundle.mjs: one folder of .mjs/.cjs files, no node_modules).
import { readFileSync } from 'node:fs'
import Module, { register } from 'node:module'
import { fileURLToPath } from 'node:url'

import { transformTypeScript } from './transform.mjs'

/* global STEPHOST_BUNDLED */
const BUNDLED = typeof STEPHOST_BUNDLED !== 'undefined'

/**
 * One of this runtime's public modules ('sdk', 'testing'): its ES module URL and the file
 * a CommonJS `require` loads (from a checkout both are the TypeScript source).
 */
export function ownModule(name) {
  if (BUNDLED) return { esm: new URL(`./${name}.mjs`, import.meta.url), cjs: new URL(`./${name}.cjs`, import.meta.url) }
  const source = new URL(`../src/${name}.ts`, import.meta.url)
  return { esm: source, cjs: source }
}

/** `modules`: specifier -> ownModule(...) of the file it means. */
export function registerLoaders(modules) {
  const urls = Object.fromEntries(Object.entries(modules).map(([name, files]) => [name, files.esm.href]))
  register('./hooks.mjs', import.meta.url, { data: { modules: urls } })
  const compile = (module, filename) => {
    // The format says CommonJS whatever the package's `type` (Node 20.19+ reads it).
    module._compile(transformTypeScript(readFileSync(filename, 'utf8'), filename, 'cjs'), filename, 'commonjs')
  }
  Module._extensions['.ts'] = compile
  Module._extensions['.cts'] = compile
  // CommonJS `require('stephost')`: the CommonJS resolver does not consult ESM hooks on Node 20.
  const paths = new Map(Object.entries(modules).map(([name, files]) => [name, fileURLToPath(files.cjs)]))
  const resolveFilename = Module._resolveFilename
  Module._resolveFilename = function (request, parent, ...rest) {
    const own = paths.get(request)
    if (own !== undefined) return resolveFilename.call(this, own, parent, ...rest)
    try {
      return resolveFilename.call(this, request, parent, ...rest)
    } catch (error) {
      // From TypeScript, `./x.js` means `./x.ts` (as tsc resolves it).
      const fromTs = /\.c?ts$/.test(parent?.filename ?? '')
      if (!fromTs || !/^\.\.?\/.*\.c?js$/.test(request)) throw error
      return resolveFilename.call(this, request.replace(/js$/, 'ts'), parent, ...rest)
    }
  }
}
