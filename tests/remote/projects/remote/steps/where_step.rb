# frozen_string_literal: true

def config
  { type: 'api', name: 'WhereRuby', method: 'GET', path: '/where/ruby' }
end

def handler(_req, _ctx)
  { status: 200, body: { language: 'ruby', pid: Process.pid } }
end
