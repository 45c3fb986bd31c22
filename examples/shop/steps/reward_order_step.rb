# frozen_string_literal: true

# order.scored (from the Python ScoreOrder step): award loyalty points for the
# order. A Ruby hop in a flow that starts in Python; GET /_stephost/state/rewards/<id>
# shows what it wrote.
#
# Its input is the shop.v1.OrderScored message of contracts/shop/v1/orders.proto
# (the host checks every payload against it). With `typed: true` the handler gets
# a Shop::V1::OrderScored, the class `stephost gen` wrote to
# generated/ruby/shop/v1/orders_pb.rb, instead of a Hash.

def config
  {
    type: 'event',
    name: 'RewardOrder',
    description: 'Award loyalty points for every scored order.',
    subscribes: ['order.scored'],
    input: 'shop.v1.OrderScored',
    typed: true,
    flows: ['orders']
  }
end

def handler(data, ctx)
  order = ctx.state.get('orders', data.id)
  if order.nil?
    ctx.logger.warn('scored order not found', order_id: data.id)
    return
  end

  points = points_for(order['quantity'], data.score)
  ctx.state.set('rewards', order['id'], { orderId: order['id'], points: points, traceId: ctx.trace_id })
  ctx.logger.info('points awarded', order_id: order['id'], points: points)
end

def points_for(quantity, score)
  (quantity * 10 * score).round
end
