// dprint-node's `format(filePath, code, config)` on dprint's WebAssembly build of the same
// TypeScript plugin (0.87.1, what dprint-node 1.0.8 embeds), so ts-proto formats its
// output without a native binary. protoc-gen-ts_proto.cjs puts it in dprint-node's place.
const { readFileSync } = require('node:fs')
const { join } = require('node:path')

const { createFromBuffer } = require('@dprint/formatter')

// Beside the bundled plugin; in a checkout, the npm package's.
const WASM = typeof STEPHOST_BUNDLED !== 'undefined'
  ? join(__dirname, 'dprint-typescript.wasm')
  : require('@dprint/typescript').getPath()

let formatter

function format(filePath, code, config = {}) {
  formatter ??= createFromBuffer(readFileSync(WASM))
  // dprint-node resolves every key as plugin configuration, in dprint's "deno" preset.
  formatter.setConfig({}, { deno: true, ...config })
  return formatter.formatText({ filePath, fileText: code })
}

module.exports = { format }
