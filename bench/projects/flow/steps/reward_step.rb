# frozen_string_literal: true

# flow.checked: store loyalty points (Ruby hop).
def config
  {
    type: 'event',
    name: 'FlowReward',
    subscribes: ['flow.checked'],
    input: { type: 'object', required: %w[id quantity score] }
  }
end

def handler(data, ctx)
  points = (data['quantity'] * 10 * data['score']).round
  ctx.state.set('flow_rewards', data['id'], { points: points })
  ctx.logger.info('points awarded', order_id: data['id'], points: points)
end
