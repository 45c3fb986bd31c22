# frozen_string_literal: true

def config
  { type: 'api', name: 'KitchenSinkKeyed', method: 'GET', path: '/ks-keyed',
    auth: { type: 'apiKey', in: 'header', name: 'x-api-key' } }
end

def handler(_req, ctx)
  ctx.logger.info('keyed handler ran')
  { status: 200, body: { language: 'ruby', auth: ctx.auth } }
end
