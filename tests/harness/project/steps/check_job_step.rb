# frozen_string_literal: true

# job.created: fails twice before it succeeds (so the harness waits through retries);
# a "poison" job always fails.
def config
  {
    type: 'event',
    name: 'CheckJob',
    subscribes: ['job.created'],
    emits: ['job.checked'],
    maxAttempts: 3,
    backoffMs: 10
  }
end

def handler(data, ctx)
  raise ArgumentError, "poison job #{data['id']}" if data['kind'] == 'poison'
  raise "not yet (attempt #{ctx.attempt})" if ctx.attempt < 3

  ctx.emit('job.checked', data.merge('via' => data['via'] + ['ruby']))
end
