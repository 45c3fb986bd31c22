#!/usr/bin/env node
// The runtime's process tests on the bundled runtime (scripts/bundle.mjs), built into a
// temporary folder: what the wheel carries must behave as the sources do.
//   test/runtime.test.ts        the fixture project, every kind of step file and failure
//   test/motia-runtime.test.ts  a Motia project with nothing installed: 'motia',
//                               '@motiadev/core' and the lent zod, from ESM and CommonJS
//   test/testing.test.ts        the node:test entry ('stephost/testing') and startApp
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const out = mkdtempSync(join(tmpdir(), 'stephost-node-bundle-'))
let status = 1
try {
  const run = (args, env = {}) =>
    spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } }).status
  status = run(['scripts/bundle.mjs', out])
  if (status === 0) {
    const tests = ['test/runtime.test.ts', 'test/motia-runtime.test.ts', 'test/testing.test.ts']
    status = run(['--import', 'tsx', '--test', ...tests], {
      STEPHOST_NODE_BUNDLE: out,
    })
  }
} finally {
  rmSync(out, { recursive: true, force: true })
}
process.exit(status ?? 1)
