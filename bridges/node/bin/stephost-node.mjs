#!/usr/bin/env node
// The Node runtime process the host launches (`node bridges/node/bin/stephost-node.mjs`).
//
// Before anything else it makes three things resolvable without a build step:
//   - TypeScript files (.ts, .mts, .cts), imported or required: tsx compiles them;
//   - the specifier 'stephost' from step files, ESM or CommonJS: it always means this
//     runtime's own SDK (src/sdk.ts), whatever the project has installed;
// then it runs src/main.ts.
import Module, { register } from 'node:module'
import { fileURLToPath } from 'node:url'
import { register as registerTsxCjs } from 'tsx/cjs/api'
import { register as registerTsxEsm } from 'tsx/esm/api'

const SDK = new URL('../src/sdk.ts', import.meta.url)
const SDK_PATH = fileURLToPath(SDK)

registerTsxCjs()
registerTsxEsm()
// Registered last, so it runs first: 'stephost' never reaches tsx or node_modules.
register('./resolve-sdk.mjs', import.meta.url, { data: { sdk: SDK.href } })

// CommonJS `require('stephost')`: the CommonJS resolver does not consult ESM hooks on Node 20.
const resolveFilename = Module._resolveFilename
Module._resolveFilename = function (request, ...rest) {
  if (request === 'stephost') return resolveFilename.call(this, SDK_PATH, ...rest)
  return resolveFilename.call(this, request, ...rest)
}

const { main } = await import('../src/main.ts')
await main()
