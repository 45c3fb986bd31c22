# frozen_string_literal: true

def config
  { type: 'api', name: 'KitchenSinkInfo', method: 'GET', path: '/ks/:id/info' }
end

def handler(req, _ctx)
  { status: 200, body: { pathId: req.path_params['id'], query: req.query_params, xTest: req.headers['x-test'],
                         method: req.method, body: req.body } }
end
