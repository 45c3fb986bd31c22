# frozen_string_literal: true

# order.scored (from the Python ScoreOrder step): award loyalty points for the
# order. A Ruby hop in a flow that starts in Python; GET /_stephost/state/rewards/<id>
# shows what it wrote.

def config
  {
    type: 'event',
    name: 'RewardOrder',
    description: 'Award loyalty points for every scored order.',
    subscribes: ['order.scored'],
    input: {
      type: 'object',
      required: %w[id score],
      properties: { id: { type: 'string' }, score: { type: 'number' } }
    },
    flows: ['orders']
  }
end

def handler(data, ctx)
  order = ctx.state.get('orders', data['id'])
  if order.nil?
    ctx.logger.warn('scored order not found', order_id: data['id'])
    return
  end

  points = points_for(order['quantity'], data['score'])
  ctx.state.set('rewards', order['id'], { orderId: order['id'], points: points, traceId: ctx.trace_id })
  ctx.logger.info('points awarded', order_id: order['id'], points: points)
end

def points_for(quantity, score)
  (quantity * 10 * score).round
end
