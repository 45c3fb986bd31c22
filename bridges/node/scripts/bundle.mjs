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
//   sdk.mjs, testing.mjs,      'stephost', 'stephost/testing' and 'motia' (also
//   motia-sdk.mjs              '@motiadev/core') for ES modules ...
//   sdk.cjs, testing.cjs,      ... and for CommonJS require
//   motia-sdk.cjs
//   lent/zod.mjs|cjs, ...      the zod the runtime lends a project without one (every
//                              specifier of bin/loaders.mjs LENT, as lent/<specifier>;
//   lent/packages.cjs          the .cjs files share one copy, this one)
//   chunk-*.mjs                code the entries share (the runtime's own modules once)
//   sucrase.cjs                the TypeScript transform, loaded on a cache miss only
//   zod-json-schema.cjs        zod converters, loaded when a step has a zod schema
//   protoc-gen-ts_proto.cjs    ts-proto's protoc plugin, for `stephost gen`
//   dprint-typescript.wasm     the formatter it uses
//   types/                     the TypeScript sources of 'stephost', 'stephost/testing'
//                              and 'motia', for projects' type checks
//
// Every file is built with STEPHOST_BUNDLED defined (as sucrase's version), which is how
// the shared sources (bin/*.mjs, src/schema.ts) know they run bundled.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

import { build } from 'esbuild'

import { LENT, lentName } from '../bin/loaders.mjs'

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
// The runtime's public modules, each built as an ES module and as CommonJS.
const OWN = { sdk: 'src/sdk.ts', 'motia-sdk': 'src/motia-sdk.ts', testing: 'src/testing.ts' }
const LENT_CJS = 'lent/packages.cjs'

await build({
  ...common,
  entryPoints: {
    'stephost-node': 'bin/stephost-node.mjs',
    'stephost-node-test': 'bin/stephost-node-test.mjs',
    hooks: 'bin/hooks.mjs',
    ...OWN,
    // As node_modules has them for `import`; splitting makes them share one copy.
    ...Object.fromEntries(LENT.map((specifier) => [lentName(specifier), fileURLToPath(import.meta.resolve(specifier))])),
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
    ...OWN,
    sucrase: require.resolve('sucrase'),
    'zod-json-schema': 'src/zod-converters.ts',
  },
  format: 'cjs',
  outdir,
  outExtension: { '.js': '.cjs' },
  define: { ...common.define, 'import.meta.url': '__stephostImportMetaUrl' },
  banner: { js: cjsImportMeta },
})

// CommonJS `require` of a lent specifier: one bundle holds them all (they share modules,
// as in node_modules), and each specifier's file hands out its part.
await build({
  ...common,
  stdin: {
    contents: `module.exports = {\n${LENT.map((s) => `  ${JSON.stringify(s)}: require(${JSON.stringify(s)}),\n`).join('')}}\n`,
    resolveDir: ROOT,
    sourcefile: LENT_CJS,
  },
  format: 'cjs',
  outfile: join(outdir, LENT_CJS),
})
for (const specifier of LENT) {
  const file = join(outdir, `${lentName(specifier)}.cjs`)
  mkdirSync(dirname(file), { recursive: true })
  const packages = relative(dirname(file), join(outdir, LENT_CJS))
  const from = packages.startsWith('..') ? packages : `./${packages}`
  writeFileSync(file, `module.exports = require(${JSON.stringify(from)})[${JSON.stringify(specifier)}]\n`)
}

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
for (const source of Object.values(OWN)) copyFileSync(join(ROOT, source), join(outdir, 'types', basename(source)))
