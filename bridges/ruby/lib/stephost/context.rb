# frozen_string_literal: true

require 'stephost/motia'

module Stephost
  # What every handler gets as `ctx`: emit, state, streams, logger, trace,
  # deadline, cancellation.
  #
  # Every call travels to the host over the runtime's stream and blocks the
  # calling thread until the host answers (handlers run on the runtime's worker
  # pool, so other invocations keep running). A call the host refuses raises
  # Stephost::StepError with the host's code.
  #
  # When the host stops waiting (the step's timeout passed, or the HTTP client
  # went away) `ctx.cancelled?` becomes true and the handler's thread is
  # interrupted (an `ensure` still runs). `ctx.deadline` is when that happens
  # at the latest (a Time; nil for never); `ctx.trace_state` is the W3C
  # tracestate that came with the trace. `ctx.auth` is who called, as the api
  # step's `auth` accepted them ({'type' => 'apiKey', 'name' => ...},
  # {'type' => 'jwt', 'subject' => ..., 'claims' => {...}}, or what its auth step
  # returned); nil when the step has no auth.
  class Context
    attr_reader :step, :trace_id, :trace_state, :attempt, :state, :streams, :logger, :auth
    alias traceId trace_id # Motia's spelling

    # A message's priority (the host checks the same bounds): higher is taken first.
    PRIORITIES = (0..9)

    # Set by the runtime when the host cancels the invocation; read by the handler.
    class Cancellation
      def initialize
        @cancelled = false
      end

      def cancel!
        @cancelled = true
      end

      def cancelled?
        @cancelled
      end
    end

    # `emit_types`: topic => the message type the step's config declares for it.
    # `deadline_ms`: Unix milliseconds, 0 for none.
    def initialize(link, invocation_id, step, trace_id, attempt, emit_types = {}, deadline_ms: 0, trace_state: '',
                   cancellation: Cancellation.new, auth: nil)
      @link = link
      @auth = auth
      @emit_types = emit_types
      @id = invocation_id
      @step = step
      @trace_id = trace_id
      @trace_state = trace_state
      @deadline_ms = deadline_ms
      @cancellation = cancellation
      @attempt = attempt
      @state = State.new(link, invocation_id)
      @streams = Streams.new(link, invocation_id)
      @logger = Logger.new(link, invocation_id)
    end

    # When the host stops waiting for this invocation (a Time, UTC); nil for never.
    def deadline
      return nil unless @deadline_ms.positive?

      @deadline ||= Time.at(@deadline_ms / 1000r).utc
    end

    # True once the host stopped waiting for this invocation.
    def cancelled?
      @cancellation.cancelled?
    end

    # Publishes `data` on `topic` and returns the message id once it is durable.
    # `data` is JSON (Hash, Array, String, numbers...) or a message of a class
    # that `stephost gen` generated, sent in its proto3 JSON form; a message must
    # be of the type the step declares for the topic. `group_id` orders delivery
    # within a group, `idempotency_key` drops a repeat within the dedup window,
    # `delay_ms` defers delivery, `priority` (0 to 9, higher first; nil: each
    # subscriber's config `priority`) chooses which ready message a subscriber takes
    # first. Motia's form works too: `emit({ topic:, data: })`.
    def emit(topic, data = nil, group_id: nil, idempotency_key: nil, delay_ms: 0, priority: nil)
      topic, data, group_id = Motia.emit_args(topic) if topic.is_a?(Hash)
      unless delay_ms.is_a?(Integer) && delay_ms >= 0
        raise ArgumentError, "emit: delay_ms must be a whole number >= 0, got #{delay_ms.inspect}"
      end
      unless priority.nil? || (priority.is_a?(Integer) && PRIORITIES.cover?(priority))
        raise ArgumentError, "emit: `priority` must be an integer from #{PRIORITIES.min} to " \
                             "#{PRIORITIES.max} (higher runs first), got #{priority.inspect}"
      end

      declared = @emit_types[topic.to_s] unless @emit_types.empty?
      Typed.check_emit(@step, topic, data, declared) if declared && Typed.message?(data)

      @link.emit(@id, Context.text('emit', 'topic', topic), data,
                 group_id.nil? ? '' : Context.text('emit', 'group_id', group_id),
                 idempotency_key.nil? ? '' : Context.text('emit', 'idempotency_key', idempotency_key),
                 delay_ms, priority)
    end

    # A String argument (Symbols are accepted), or an ArgumentError naming it.
    def self.text(call, name, value)
      return value.to_s if value.is_a?(String) || value.is_a?(Symbol)

      raise ArgumentError, "#{call}: #{name} must be a String, got #{value.class} #{value.inspect}"
    end

    # Key/value groups of JSON values, kept by the host.
    class State
      def initialize(link, invocation_id)
        @link = link
        @id = invocation_id
      end

      # The value, or nil when the key does not exist.
      def get(group, key)
        @link.state_get(@id, Context.text('state.get', 'group', group), Context.text('state.get', 'key', key))
      end

      def set(group, key, value)
        @link.state_set(@id, Context.text('state.set', 'group', group), Context.text('state.set', 'key', key), value)
        nil
      end

      # Whether the key existed.
      def delete(group, key)
        @link.state_delete(@id, Context.text('state.delete', 'group', group),
                           Context.text('state.delete', 'key', key))
      end

      # Every {"key" => ..., "value" => ...} of the group, ordered by key.
      def list(group)
        @link.state_list(@id, Context.text('state.list', 'group', group))
      end

      # How many keys were deleted.
      def clear(group)
        @link.state_clear(@id, Context.text('state.clear', 'group', group))
      end

      # The group's values, ordered by key (Motia's `getGroup`).
      def get_group(group)
        list(group).map { |item| item['value'] }
      end
      alias getGroup get_group
    end

    # Live data pushed to clients subscribed over WebSocket.
    class Streams
      def initialize(link, invocation_id)
        @link = link
        @id = invocation_id
      end

      def set(stream, group, id, value)
        @link.stream_set(@id, Context.text('streams.set', 'stream', stream),
                         Context.text('streams.set', 'group', group), Context.text('streams.set', 'id', id), value)
        nil
      end

      # Whether the item existed.
      def delete(stream, group, id)
        @link.stream_delete(@id, Context.text('streams.delete', 'stream', stream),
                            Context.text('streams.delete', 'group', group),
                            Context.text('streams.delete', 'id', id))
      end

      # Sends an ephemeral event (not stored), e.g. { type: 'progress', data: 50 };
      # `id` names the item it is about.
      def send(stream, group, event, id: nil)
        @link.stream_send(@id, Context.text('streams.send', 'stream', stream),
                          Context.text('streams.send', 'group', group), event,
                          id.nil? ? '' : Context.text('streams.send', 'id', id))
        nil
      end

      # The item's value, or nil.
      def get(stream, group, id)
        @link.stream_get(@id, Context.text('streams.get', 'stream', stream),
                         Context.text('streams.get', 'group', group), Context.text('streams.get', 'id', id))
      end

      # Every {"id" => ..., "value" => ...} of the group, ordered by id.
      def list(stream, group)
        @link.stream_list(@id, Context.text('streams.list', 'stream', stream),
                          Context.text('streams.list', 'group', group))
      end
    end

    # Structured logs; the host adds the trace id, step and language.
    # `ctx.logger.info('scored', order_id: id)` or `info('scored', { order_id: id })`.
    class Logger
      def initialize(link, invocation_id)
        @link = link
        @id = invocation_id
      end

      %w[debug info warn error].each do |level|
        define_method(level) do |message, fields = nil, **more|
          @link.log(@id, level, message.to_s, fields ? fields.merge(more) : more)
          nil
        end
      end
      alias warning warn
    end
  end
end
