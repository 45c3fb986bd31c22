#!/usr/bin/env node
// The runtime's process tests (test/runtime.test.ts, test/testing.test.ts) on the
// bundled runtime (scripts/bundle.mjs), built into a temporary folder: what the wheel
// carries must behave as the sources do.
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
    status = run(['--import', 'tsx', '--test', 'test/runtime.test.ts', 'test/testing.test.ts'], {
      STEPHOST_NODE_BUNDLE: out,
    })
  }
} finally {
  rmSync(out, { recursive: true, force: true })
}
process.exit(status ?? 1)
