// What both entries (the runtime, and node:test files run by `stephost test`) register
// before loading anything else:
//   - TypeScript files (.ts, .mts, .cts), imported or required: tsx compiles them;
//   - bare specifiers that name this runtime's own modules ('stephost', 'motia', ...),
//     from ESM or CommonJS code alike;
//   - packages the runtime lends a project that has none installed (FALLBACKS).
import Module, { register } from 'node:module'
import { fileURLToPath } from 'node:url'
import { register as registerTsxCjs } from 'tsx/cjs/api'
import { register as registerTsxEsm } from 'tsx/esm/api'

// Motia steps import zod; a Motia project moved here may not have run `npm install`.
const FALLBACKS = ['zod']

/** 'zod' of 'zod/v4/core', '@scope/pkg' of '@scope/pkg/sub'. */
function packageOf(request) {
  const parts = request.split('/')
  return request.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

/** `modules`: specifier -> URL of the file it means. */
export function registerLoaders(modules) {
  registerTsxCjs()
  registerTsxEsm()
  const urls = Object.fromEntries(Object.entries(modules).map(([name, url]) => [name, url.href]))
  // Registered last, so it runs first: these specifiers never reach node_modules.
  register('./resolve-sdk.mjs', import.meta.url, {
    data: { modules: urls, fallbacks: FALLBACKS, parentURL: import.meta.url },
  })
  // CommonJS `require('stephost')`: the CommonJS resolver does not consult ESM hooks on Node 20.
  const paths = new Map(Object.entries(modules).map(([name, url]) => [name, fileURLToPath(url)]))
  const here = fileURLToPath(import.meta.url)
  const resolveFilename = Module._resolveFilename
  Module._resolveFilename = function (request, parent, ...rest) {
    try {
      return resolveFilename.call(this, paths.get(request) ?? request, parent, ...rest)
    } catch (error) {
      if (error?.code !== 'MODULE_NOT_FOUND' || !FALLBACKS.includes(packageOf(request))) throw error
      return resolveFilename.call(this, request, { id: here, filename: here, paths: Module._nodeModulePaths(here) })
    }
  }
}
