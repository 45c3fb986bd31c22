# frozen_string_literal: true

def config
  { type: 'event', name: 'BenchNoop', subscribes: ['bench.noop'] }
end

def handler(_data, _ctx)
  nil
end
