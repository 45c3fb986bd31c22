// A TypeScript -> Python flow driven through stephost/testing (run by `stephost test`).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'

import { startApp } from 'stephost/testing'
import type { StephostApp } from 'stephost/testing'

let app: StephostApp
before(async () => {
  app = await startApp()
})
after(() => app.close())

test('a note is indexed by the Python step', async () => {
  const response = await app.post('/notes', { json: { text: 'three little words' } })
  assert.equal(response.status, 201)
  const { id } = (await response.json()) as { id: string }
  await app.waitIdle()
  assert.deepEqual(await app.state.get('notes', id), { id, text: 'three little words', words: 3 })
  assert.deepEqual(await app.captured('note.indexed'), [{ id, words: 3 }])
  const languages = new Set(app.logs(response.headers.get('x-trace-id') ?? '').map((line) => line.language))
  assert.ok(languages.has('node') && languages.has('python'), `languages on the trace: ${[...languages]}`)
})

test('a poison note ends in the DLQ after its retries', async () => {
  const { traceId } = await app.emit('note.created', { id: 'p1', text: 'poison' })
  await app.waitIdle()
  const letters = await app.dlq('IndexNote')
  assert.equal(letters.length, 1)
  assert.equal(letters[0]?.attempts, 2)
  assert.equal(letters[0]?.error.type, 'ValueError')
  assert.equal(letters[0]?.traceId, traceId)
  assert.equal(await app.state.get('notes', 'p1'), null)
})

test('state set, get and list', async () => {
  await app.state.set('drafts', 'a', { n: 1 })
  assert.deepEqual(await app.state.get('drafts', 'a'), { n: 1 })
  assert.deepEqual(await app.state.list('drafts'), [{ key: 'a', value: { n: 1 } }])
})

test('a bad body gets 400 and runs no handler', async () => {
  const response = await app.post('/notes', { json: {} })
  assert.equal(response.status, 400)
})
