// `tsc --noEmit --strict` passes on the step projects that use the 'stephost' types.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const TSC = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url))
const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

for (const project of ['examples/shop', 'tests/conformance/node', 'bench/projects/node', 'tests/harness/node_project']) {
  test(`tsc --noEmit --strict on ${project}`, () => {
    const run = spawnSync(process.execPath, [TSC, '--noEmit', '--strict', '-p', `${ROOT}${project}/tsconfig.json`], {
      encoding: 'utf8',
    })
    assert.equal(run.status, 0, `${run.stdout}${run.stderr}`)
  })
}
