# frozen_string_literal: true

def config
  { type: 'event', name: 'KitchenSinkChain', subscribes: ['ks.chain'] }
end

def handler(data, ctx)
  ctx.state.set('ks-chain', data['key'], { language: 'ruby', traceId: ctx.trace_id })
end
