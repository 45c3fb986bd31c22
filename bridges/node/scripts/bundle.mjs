#!/usr/bin/env node
// The Node runtime as a folder of plain JavaScript files that need nothing but Node:
// the wheel carries it (setup.py's build hook runs this), so a user's machine needs no
// `npm install` for stephost itself, and no native binary either.
//
//   node scripts/bundle.mjs OUT_DIR
//
// OUT_DIR gets:
//   stephost-node.mjs          the runtime the host launches
//   stephost-node-test.mjs     the --import entry of a project's node:test files
//   hooks.mjs                  the ES module hooks the entries register
//   sdk.mjs, testing.mjs       'stephost' and 'stephost/testing' for ES modules ...
//   sdk.cjs, testing.cjs       ... and for CommonJS require
//   chunk-*.mjs                code the entries share (the runtime's own modules once)
//   sucrase.cjs                the TypeScript transform, loaded on a cache miss only
//   zod-json-schema.cjs        zod converters, loaded when a step has a zod schema
//   protoc-gen-ts_proto.cjs    ts-proto's protoc plugin, for `stephost gen`
//   dprint-typescript.wasm     the formatter it uses
//   types/                     the SDK's TypeScript sources, for projects' type checks
//
// Every file is built with STEPHOST_BUNDLED defined (as sucrase's version), which is how
// the shared sources (bin/*.mjs, src/schema.ts) know they run bundled.
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

import { build } from 'esbuild'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const require = createRequire(import.meta.url)
const out = process.argv[2]
if (!out) {
  process.stderr.write('usage: node scripts/bundle.mjs OUT_DIR\n')
  process.exit(2)
}
const outdir = resolve(out)
rmSync(outdir, { recursive: true, force: true })
mkdirSync(outdir, { recursive: true })

const sucraseVersion = JSON.parse(readFileSync(require.resolve('sucrase/package.json'), 'utf8')).version
const common = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  legalComments: 'none',
  keepNames: true, // error types travel by their class names
  define: { STEPHOST_BUNDLED: JSON.stringify(sucraseVersion) },
}
// CommonJS packages bundled into ES modules call require() for Node's built-ins.
const esmRequire = "import { createRequire as __stephostRequire } from 'node:module';\nconst require = __stephostRequire(import.meta.url);"
// What import.meta.url means in a CommonJS file (testing.ts uses it).
const cjsImportMeta = "const __stephostImportMetaUrl = require('node:url').pathToFileURL(__filename).href;"

await build({
  ...common,
  entryPoints: {
    'stephost-node': 'bin/stephost-node.mjs',
    'stephost-node-test': 'bin/stephost-node-test.mjs',
    hooks: 'bin/hooks.mjs',
    sdk: 'src/sdk.ts',
    testing: 'src/testing.ts',
  },
  format: 'esm',
  splitting: true,
  outdir,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunk-[hash]',
  banner: { js: esmRequire },
})

await build({
  ...common,
  entryPoints: {
    sdk: 'src/sdk.ts',
    testing: 'src/testing.ts',
    sucrase: require.resolve('sucrase'),
    'zod-json-schema': 'src/zod-converters.ts',
  },
  format: 'cjs',
  outdir,
  outExtension: { '.js': '.cjs' },
  define: { ...common.define, 'import.meta.url': '__stephostImportMetaUrl' },
  banner: { js: cjsImportMeta },
})

await build({
  ...common,
  entryPoints: { 'protoc-gen-ts_proto': 'bin/protoc-gen-ts_proto.cjs' },
  format: 'cjs',
  outdir,
  outExtension: { '.js': '.cjs' },
  alias: { 'dprint-node': './bin/dprint-wasm.cjs' },
})
copyFileSync(require('@dprint/typescript').getPath(), join(outdir, 'dprint-typescript.wasm'))

mkdirSync(join(outdir, 'types'))
copyFileSync(join(ROOT, 'src/sdk.ts'), join(outdir, 'types/sdk.ts'))
copyFileSync(join(ROOT, 'src/testing.ts'), join(outdir, 'types/testing.ts'))
