# frozen_string_literal: true

def config
  {
    type: 'event', name: 'KitchenSinkEvent', subscribes: ['ks.in'], emits: ['ks.chain'],
    maxAttempts: 3, backoffMs: 10, timeoutMs: 3000,
    input: { type: 'object', required: %w[action key] }
  }
end

def handler(data, ctx)
  case data['action']
  when 'fail' then raise ArgumentError, data['message']
  when 'flaky' then raise ArgumentError, "flaky attempt #{ctx.attempt}" if ctx.attempt < data['succeedOn']
  when 'emit' then ctx.emit('ks.chain', { key: data['key'] })
  when 'sleep' then sleep(data['ms'] / 1000.0)
  end
  record(data, ctx)
end

def record(data, ctx)
  ctx.state.set('ks-events', data['key'],
                { data: data, attempt: ctx.attempt, traceId: ctx.trace_id, traceState: ctx.trace_state })
end
