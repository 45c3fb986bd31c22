# frozen_string_literal: true

module Stephost
  # Motia 0.x compatibility for Ruby steps. Motia's Ruby support was a beta with
  # `emit` and `state`; its steps run here unchanged where they use:
  #
  # - `ctx.emit({ topic: 'x', data: {...} })` (and `messageGroupId:`), see `emit_args`;
  # - `ctx.traceId`;
  # - `ctx.state.get / set / delete / clear`, and `get_group` (the group's values);
  # - `ctx.logger.info('msg', { ... })`;
  # - step files named `*.step.rb`, under `steps/` or `src/`.
  #
  # Motia handed Ruby handlers their data as an OpenStruct; here it is a Hash.
  module Motia
    EMIT_KEYS = %w[topic data messageGroupId].freeze

    module_function

    # [topic, data, group_id] of Motia's `emit({ topic:, data:, messageGroupId: })`.
    def emit_args(event)
      fields = event.transform_keys(&:to_s)
      unknown = fields.keys - EMIT_KEYS
      unless unknown.empty?
        raise ArgumentError, "emit: unknown keys #{unknown.sort.join(', ')} in the event; " \
                             'it takes topic, data and messageGroupId'
      end
      topic = fields['topic']
      unless (topic.is_a?(String) || topic.is_a?(Symbol)) && !topic.to_s.empty?
        raise ArgumentError, "emit: the event's topic must be a non-empty String, got #{topic.inspect}"
      end

      [topic.to_s, fields['data'], fields['messageGroupId']]
    end
  end
end
