# frozen_string_literal: true

module Stephost
  # The one exception a step author raises or rescues.
  #
  # Raise it to fail with a chosen code, or to say a failure is not worth
  # retrying (`retryable: false` sends an event straight to the dead-letter
  # queue). A call into the host that fails (an emit to a topic the step does
  # not declare, say) raises it too, carrying the host's code.
  #
  #   StandardError
  #   └── Stephost::StepError   code, retryable, details, type, language, step, stack
  class StepError < StandardError
    attr_reader :code, :retryable, :details, :type, :language, :step, :stack

    def initialize(message = 'step failed', code: 'HANDLER_ERROR', retryable: true, details: nil,
                   type: nil, language: 'ruby', step: '', stack: '')
      super(message)
      @code = code
      @retryable = retryable
      @details = details || {}
      @type = type || self.class.name
      @language = language
      @step = step
      @stack = stack
    end

    def retryable?
      @retryable
    end
  end

  # Classes defined in a step file live in an anonymous module; drop its name.
  ANONYMOUS_PREFIX = /\A#<Module:0x\h+>::/.freeze
  private_constant :ANONYMOUS_PREFIX

  # An exception's class name as a step author knows it.
  def self.type_name(exc)
    name = exc.is_a?(StepError) ? exc.type.to_s : exc.class.to_s
    name.sub(ANONYMOUS_PREFIX, '')
  end

  # Ruby's own format for an uncaught exception, without the causes:
  # "file:line:in `m': message (Class)", then one "\tfrom file:line:in `m'" per frame.
  def self.stack_of(exc, message = exc.message.to_s)
    frames = exc.backtrace || []
    first, *rest = message.lines.map(&:chomp)
    head = "#{frames.first ? "#{frames.first}: " : ''}#{first} (#{type_name(exc)})"
    [head, *rest, *frames.drop(1).map { |frame| "\tfrom #{frame}" }].join("\n")
  end
end
