# frozen_string_literal: true

require 'stephost/errors'
require 'stephost/bridge/codec'
require 'stephost/v1/error_pb'

module Stephost
  module Bridge
    # Ruby exceptions to the wire's StepError, and back: the one converter.
    module Errors
      MAX_CAUSES = 8
      # Classes defined in a step file live in an anonymous module; drop its name.
      ANONYMOUS_PREFIX = /\A#<Module:0x\h+>::/.freeze

      module_function

      # The whole exception (class, message, full backtrace, cause chain) as a StepError.
      def to_wire(exc, step, depth = 0)
        message = exc.message.to_s
        message = exc.class.name.to_s if message.empty?
        wire = V1::StepError.new(
          code: 'HANDLER_ERROR', message: Bridge.utf8(message), type: Bridge.utf8(type_name(exc)),
          stack: Bridge.utf8(stack(exc, message)), language: 'ruby', step: Bridge.utf8(step),
          retryable: true
        )
        if exc.is_a?(Stephost::StepError)
          wire.code = Bridge.utf8(exc.code)
          wire.retryable = exc.retryable ? true : false
          wire.details = Bridge.dump(exc.details) unless exc.details.nil? || exc.details.empty?
        end
        cause = exc.cause
        wire.cause = to_wire(cause, step, depth + 1) if cause && depth < MAX_CAUSES
        wire
      end

      def type_name(exc)
        name = exc.is_a?(Stephost::StepError) ? exc.type.to_s : exc.class.to_s
        name.sub(ANONYMOUS_PREFIX, '')
      end

      # Ruby's own format for an uncaught exception, without the causes (they
      # travel in `cause`): "file:line:in `m': message (Class)" then "\tfrom ..." lines.
      def stack(exc, message)
        frames = exc.backtrace || []
        first, *rest = message.lines.map(&:chomp)
        head = "#{frames.first ? "#{frames.first}: " : ''}#{first} (#{type_name(exc)})"
        [head, *rest, *frames.drop(1).map { |frame| "\tfrom #{frame}" }].join("\n")
      end

      # A StepError the host sent for a failed call, as the SDK's exception.
      def from_wire(wire)
        details = begin
          Bridge.load(wire.details)
        rescue JSON::ParserError
          { 'raw' => wire.details }
        end
        Stephost::StepError.new(
          wire.message, code: wire.code, retryable: wire.retryable, details: details,
                        type: wire.type.empty? ? nil : wire.type,
                        language: wire.language.empty? ? 'host' : wire.language,
                        step: wire.step, stack: wire.stack
        )
      end
    end
  end
end
