// stephost/testing and the --import entry `stephost test` runs node:test files with. The
// helper's verbs against a real host are tested from Python (tests/integration/
// test_gen_typescript.py runs `stephost test` on tests/harness/node_project).
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

import { findProject, HarnessError, StephostApp, startApp } from '../src/testing.ts'
import { BUNDLE } from './fakehost.ts'

const ENTRY = BUNDLE
  ? join(BUNDLE, 'stephost-node-test.mjs')
  : fileURLToPath(new URL('../bin/stephost-node-test.mjs', import.meta.url))
const PROJECT = fileURLToPath(new URL('./fixtures/harness', import.meta.url))

describe('the --import entry', () => {
  test("test files in TS and JS, ESM and CommonJS, import 'stephost' and 'stephost/testing'", () => {
    const files = ['tests/cjs-scope.test.ts', 'tests/esm.test.mts', 'tests/sub/plain.test.mjs', 'tests/sub/required.test.cjs']
    // Without NODE_TEST_CONTEXT (set for this file by the outer runner), the inner one prints TAP.
    const { NODE_TEST_CONTEXT: _, ...env } = process.env
    const run = spawnSync(process.execPath, ['--import', ENTRY, '--test', ...files], { cwd: PROJECT, env, encoding: 'utf8' })
    assert.equal(run.status, 0, run.stdout + run.stderr)
    assert.match(run.stdout, /^# pass 4$/m)
  })
})

describe('startApp', () => {
  test('a host that exits before serving rejects with its output', async () => {
    // node is no Python: `node -m stephost_host.cli start` exits at once, saying why.
    const failing = startApp({ project: PROJECT, python: process.execPath })
    await assert.rejects(failing, (error: unknown) => {
      assert.ok(error instanceof HarnessError)
      assert.match(error.message, /^the host exited with code 9; its output:\n.*bad option: -m/s)
      return true
    })
  })

  test('a Python that does not exist rejects', async () => {
    const missing = join(PROJECT, 'no-such-python')
    await assert.rejects(startApp({ project: PROJECT, python: missing }), /the host could not be started .*ENOENT/)
  })

  test('verbs before start say the host is not running', async () => {
    const app = new StephostApp(PROJECT)
    await assert.rejects(app.get('/x'), /the host is not running/)
    await app.close()
  })

  test('the project is the nearest folder with steps/', () => {
    assert.equal(findProject(join(PROJECT, 'tests', 'sub')), PROJECT)
    assert.throws(() => findProject('/'), /no folder with steps\/ at or above \//)
  })
})
