# frozen_string_literal: true

def config
  { type: 'api', name: 'BenchEcho', method: 'POST', path: '/echo' }
end

def handler(req, _ctx)
  { status: 200, body: req.body }
end
