# frozen_string_literal: true

def config
  { type: 'event', name: 'BenchHop', subscribes: ['bench.hop'], emits: ['bench.noop'] }
end

def handler(data, ctx)
  ctx.emit('bench.noop', data)
end
