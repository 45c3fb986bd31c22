# frozen_string_literal: true

# The conformance suite's custom auth step (see ../../README.md).

def config
  { type: 'auth', name: 'KitchenSinkGate' }
end

def handler(req, ctx)
  token = req.headers['x-ks-token']
  raise Stephost::StepError.new('this token may not pass', code: 'FORBIDDEN') if token == 'forbidden'
  return nil unless token == 'let-me-in'

  { user: 'ks-user', gate: 'ruby', pathId: req.path_params['id'], method: req.method, body: req.body,
    traceId: ctx.trace_id }
end
