# frozen_string_literal: true

# The Ruby kitchen sink for the conformance suite (see ../../README.md).

def config
  { type: 'api', name: 'KitchenSink', method: 'POST', path: '/ks/:id', emits: ['ks.out', 'ks.in'] }
end

def handler(req, ctx)
  body = req.body || {}
  case body['action']
  when 'echo'
    { status: 200, body: { language: 'ruby', pathId: req.path_params['id'], query: req.query_params,
                           xTest: req.headers['x-test'], value: body['value'], traceId: ctx.trace_id,
                           attempt: ctx.attempt } }
  when 'respond' then { status: body['status'], body: body['body'], headers: body['headers'] }
  when 'raise' then raise ArgumentError, body['message']
  when 'sleep'
    sleep(body['ms'] / 1000.0)
    { status: 200, body: { slept: body['ms'] } }
  when 'emit' then { status: 200, body: { messageId: ctx.emit('ks.out', body['data']) } }
  when 'emit_undeclared' then emit_undeclared(ctx)
  when 'emit_big' then emit_big(ctx, body['mb'])
  when 'respond_big' then { status: 200, body: 'y' * (body['mb'] << 20) }
  when 'state' then { status: 200, body: state_roundtrip(ctx, body['group']) }
  when 'log'
    ctx.logger.info('kitchen sink log', marker: body['marker'])
    { status: 200, body: { logged: true } }
  when 'stream'
    ctx.streams.set('ks', body['group'], 'item', body['value'])
    { status: 200, body: { streamed: true } }
  when 'streams' then { status: 200, body: stream_roundtrip(ctx, body['group']) }
  when 'motia'
    message_id = ctx.emit({ topic: 'ks.out', data: body['data'] })
    ctx.state.set(body['group'], 'x', 1)
    { status: 200, body: { messageId: message_id, values: ctx.state.get_group(body['group']), traceId: ctx.traceId } }
  when 'bad_response' then 'nope'
  when 'context' then { status: 200, body: context_of(ctx) }
  when 'emit_priority'
    { status: 200, body: { messageId: ctx.emit('ks.out', body['data'], priority: body['priority']) } }
  when 'forward' then { status: 200, body: { messageId: ctx.emit('ks.in', body['data']) } }
  when 'wait_for_cancel' then wait_for_cancel(ctx, body['key'])
  else { status: 400, body: { error: "unknown action #{body['action'].inspect}" } }
  end
end

def context_of(ctx)
  deadline = ctx.deadline
  { traceState: ctx.trace_state, deadlineMs: deadline && (deadline.to_r * 1000).to_i,
    deadlineType: deadline&.class&.name, auth: ctx.auth }
end

# The runtime interrupts the sleep when the host cancels; `ensure` still runs.
def wait_for_cancel(ctx, key)
  ctx.state.set('ks-cancel', key, { started: true })
  sleep 20
  { status: 200, body: { cancelled: false } }
ensure
  ctx.state.set('ks-cancel', key, { cancelled: ctx.cancelled? })
end

# Over max_message_bytes: refused before it is sent.
def emit_big(ctx, megabytes)
  ctx.emit('ks.out', 'x' * (megabytes << 20))
  { status: 500, body: { error: 'emit did not fail' } }
rescue Stephost::StepError => e
  { status: 200, body: { code: e.code, message: e.message } }
end

def emit_undeclared(ctx)
  ctx.emit('ks.undeclared', {})
  { status: 500, body: { error: 'emit did not fail' } }
rescue Stephost::StepError => e
  { status: 200, body: { code: e.code, message: e.message } }
end

def state_roundtrip(ctx, group)
  ctx.state.set(group, 'a', { n: 1 })
  ctx.state.set(group, 'b', [1, 2])
  {
    got: ctx.state.get(group, 'a'),
    missing: ctx.state.get(group, 'zzz'),
    list1: ctx.state.list(group),
    deleted: ctx.state.delete(group, 'a'),
    deletedAgain: ctx.state.delete(group, 'a'),
    list2: ctx.state.list(group),
    cleared: ctx.state.clear(group),
    list3: ctx.state.list(group)
  }
end

def stream_roundtrip(ctx, group)
  ctx.streams.set('ks', group, 'a', { n: 1 })
  ctx.streams.set('ks', group, 'b', [1, 2])
  {
    got: ctx.streams.get('ks', group, 'a'),
    missing: ctx.streams.get('ks', group, 'zzz'),
    list: ctx.streams.list('ks', group),
    deleted: ctx.streams.delete('ks', group, 'a'),
    after: ctx.streams.list('ks', group)
  }
end
