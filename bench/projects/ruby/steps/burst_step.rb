# frozen_string_literal: true

# Emits `count` messages {i} on `topic`. Each emit blocks until the message is
# durable, so a few threads keep many emits in flight and the host batches them.
EMITTERS = 64

def config
  { type: 'api', name: 'BenchBurst', method: 'POST', path: '/burst', emits: ['bench.noop', 'bench.hop'],
    timeoutMs: 600_000 }
end

def handler(req, ctx)
  topic = req.body['topic']
  count = req.body['count']
  next_i = -1
  lock = Mutex.new
  Array.new([EMITTERS, count].min) do
    Thread.new do
      while (i = lock.synchronize { next_i += 1 }) < count
        ctx.emit(topic, { i: i })
      end
    end
  end.each(&:join)
  { status: 200, body: { emitted: count } }
end
