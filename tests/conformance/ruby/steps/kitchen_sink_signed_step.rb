# frozen_string_literal: true

def config
  { type: 'api', name: 'KitchenSinkSigned', method: 'GET', path: '/ks-signed',
    auth: { type: 'jwt', algorithms: ['HS256'], secretEnv: 'KS_JWT_SECRET', audience: 'ks', issuer: 'ks-test' } }
end

def handler(_req, ctx)
  { status: 200, body: { language: 'ruby', auth: ctx.auth } }
end
