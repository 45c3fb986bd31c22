# frozen_string_literal: true

require 'stephost/errors'
require 'stephost/bridge/codec'
require 'stephost/v1/error_pb'

module Stephost
  module Bridge
    # Ruby exceptions to the wire's StepError, and back: the one converter.
    module Errors
      MAX_CAUSES = 8

      module_function

      # The whole exception (class, message, full backtrace, cause chain) as a
      # StepError; the causes travel in `cause`, not in the stack.
      def to_wire(exc, step, depth = 0)
        message = exc.message.to_s
        message = exc.class.name.to_s if message.empty?
        wire = V1::StepError.new(
          code: 'HANDLER_ERROR', message: Bridge.utf8(message), type: Bridge.utf8(Stephost.type_name(exc)),
          stack: Bridge.utf8(Stephost.stack_of(exc, message)), language: 'ruby', step: Bridge.utf8(step),
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

      # Raises the StepError the host sent for a failed call, with its cause
      # chain as the exceptions' `cause` (Ruby sets a cause only when raising).
      def raise_from_wire(wire, depth = 0)
        cause = nil
        if wire.cause && depth < MAX_CAUSES
          begin
            raise_from_wire(wire.cause, depth + 1)
          rescue Stephost::StepError => e
            cause = e
          end
        end
        raise from_wire(wire), cause: cause
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
