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
end
