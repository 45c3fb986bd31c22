// What both entries (the runtime, and node:test files run by `stephost test`) register
// before loading anything else:
//   - TypeScript files (.ts, .mts, .cts), imported or required: tsx compiles them;
//   - bare specifiers that name this runtime's own modules ('stephost', ...), from ESM or
//     CommonJS code alike.
import Module, { register } from 'node:module'
import { fileURLToPath } from 'node:url'
import { register as registerTsxCjs } from 'tsx/cjs/api'
import { register as registerTsxEsm } from 'tsx/esm/api'

/** `modules`: specifier -> URL of the file it means. */
export function registerLoaders(modules) {
  registerTsxCjs()
  registerTsxEsm()
  const urls = Object.fromEntries(Object.entries(modules).map(([name, url]) => [name, url.href]))
  // Registered last, so it runs first: these specifiers never reach node_modules.
  register('./resolve-sdk.mjs', import.meta.url, { data: { modules: urls } })
  // CommonJS `require('stephost')`: the CommonJS resolver does not consult ESM hooks on Node 20.
  const paths = new Map(Object.entries(modules).map(([name, url]) => [name, fileURLToPath(url)]))
  const resolveFilename = Module._resolveFilename
  Module._resolveFilename = function (request, ...rest) {
    return resolveFilename.call(this, paths.get(request) ?? request, ...rest)
  }
}
