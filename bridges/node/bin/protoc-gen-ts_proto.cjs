#!/usr/bin/env node
// ts-proto's protoc plugin (what `stephost gen` runs for TypeScript types), formatting
// with dprint's WebAssembly build instead of dprint-node's native binary (dprint-wasm.cjs),
// so the output is the same from a checkout and from the bundled runtime.
// (The bundle build aliases dprint-node at build time instead.)
const Module = require('node:module')
const { join } = require('node:path')

const shim = join(__dirname, 'dprint-wasm.cjs')
const resolveFilename = Module._resolveFilename
Module._resolveFilename = function (request, ...rest) {
  return resolveFilename.call(this, request === 'dprint-node' ? shim : request, ...rest)
}

require('ts-proto/build/src/plugin')
