// A Motia 0.x project with nothing installed, on the real runtime process (the checkout's,
// or the bundle's under scripts/test-bundle.mjs): 'motia', '@motiadev/core' and zod
// resolve from CommonJS and ES modules, Motia's file names load, and zod schemas turn
// into JSON Schema.
import assert from 'node:assert/strict'
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

import { FakeHost, HostSide, json, parse, RuntimeProcess } from './fakehost.ts'
import { num, v1 } from '../src/bridge/wire.ts'

const FIXTURE = fileURLToPath(new URL('./fixtures/motia', import.meta.url))
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'

describe('a Motia project with nothing installed', () => {
  const fake = new FakeHost()
  // Outside this repository, so that no node_modules above it has zod.
  const project = mkdtempSync(join(tmpdir(), 'stephost-motia-project-'))
  let runtime: RuntimeProcess
  let host: HostSide

  before(async () => {
    cpSync(FIXTURE, project, { recursive: true })
    await fake.start()
    runtime = new RuntimeProcess(fake.address, project)
    host = await fake.accept()
  })

  after(() => {
    runtime.kill()
    fake.stop()
    rmSync(project, { recursive: true, force: true })
  })

  test('its steps and streams load, zod schemas as JSON Schema', () => {
    assert.ok(!existsSync(join(project, 'node_modules')))
    assert.deepEqual(host.hello.loadErrors ?? [], [])
    const steps = host.hello.steps ?? []
    assert.deepEqual(
      steps.map((s) => [s.name, s.file]).sort(),
      [
        ['Greet', 'src/greet_step.ts'],
        ['Shout', 'src/esm/shout.step.ts'],
      ],
    )
    const bodies = steps.map((s) => JSON.parse(Buffer.from(s.config!).toString()).bodySchema)
    assert.deepEqual(bodies.map((body) => [body.type, body.required]).sort(), [
      ['object', ['name']],
      ['object', ['text']],
    ])
    const streams = host.hello.streams ?? []
    assert.deepEqual(
      streams.map((s) => [s.name, s.file]),
      [['todo', 'src/todo.stream.ts']],
    )
    assert.deepEqual(JSON.parse(Buffer.from(streams[0]!.config!).toString()).schema.required, ['text'])
  })

  let nextId = 1
  for (const [step, body, expected] of [
    ['Greet', { name: 'Ada' }, { greeting: 'Hello, Ada!', defineConfig: 'function', sameEntry: true }],
    ['Shout', { text: 'hey' }, { text: 'HEY', required: ['text'], defineConfig: 'function' }],
  ] as const) {
    test(`${step}'s handler runs with the lent zod and the 'motia' entry`, async () => {
      const id = nextId++
      const request = { method: 'POST', path: '/', body: json(body) }
      const trigger = v1.Trigger.TRIGGER_API
      host.send({ invocation: { id, step, trigger, request, attempt: 1, trace: { traceparent: TRACEPARENT } } })
      const result = (await host.next('result')).result!
      assert.equal(num(result.invocationId), id)
      assert.equal(result.error ?? undefined, undefined, JSON.stringify(result.error))
      assert.deepEqual([result.response?.status, parse(result.response?.body)], [200, expected])
    })
  }
})
