# frozen_string_literal: true

# Api steps behind each kind of auth, answering with ctx.auth (see ../../README.md).

def config
  { type: 'api', name: 'KitchenSinkGuarded', method: 'POST', path: '/ks/:id/guarded',
    auth: { type: 'step', step: 'KitchenSinkGate' } }
end

def handler(req, ctx)
  { status: 200, body: { language: 'ruby', auth: ctx.auth, body: req.body } }
end
