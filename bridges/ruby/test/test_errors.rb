# frozen_string_literal: true

require_relative 'support'
require 'stephost'
require 'stephost/bridge/errors'

class ErrorsTest < Minitest::Test
  Errors = Stephost::Bridge::Errors

  def convert
    yield
    flunk 'the block did not raise'
  rescue Exception => e
    Errors.to_wire(e, 'MyStep')
  end

  def test_a_raised_string_is_a_runtime_error_with_its_full_stack
    wire = convert { raise 'plain words' }
    assert_equal ['HANDLER_ERROR', 'plain words', 'RuntimeError', 'ruby', 'MyStep', true],
                 [wire.code, wire.message, wire.type, wire.language, wire.step, wire.retryable]
    first, *frames = wire.stack.lines(chomp: true)
    assert_match(/test_errors\.rb:\d+:in `block in .*': plain words \(RuntimeError\)\z/, first)
    refute_empty frames
    assert(frames.all? { |line| line.start_with?("\tfrom ") })
  end

  def test_system_exit_timeout_and_no_method_error_arrive_as_step_errors
    assert_equal %w[SystemExit exit], convert { exit 3 }.then { |w| [w.type, w.message] }
    timeout = convert { Timeout.timeout(0.01) { sleep 5 } }
    assert_equal ['Timeout::Error', 'execution expired'], [timeout.type, timeout.message]
    no_method = convert { nil.upcase }
    assert_equal 'NoMethodError', no_method.type
    assert_match(/undefined method `upcase' for nil/, no_method.message)
  end

  def test_the_cause_chain_is_kept
    wire = convert do
      begin
        {}.fetch('missing')
      rescue KeyError
        raise ArgumentError, 'lookup failed'
      end
    end
    assert_equal %w[ArgumentError KeyError], [wire.type, wire.cause.type]
    assert_match(/key not found: "missing"/, wire.cause.message)
    refute_includes wire.stack, 'KeyError', 'causes travel in `cause`, not in the stack'
  end

  def test_a_step_error_keeps_its_code_retryable_and_details
    wire = convert { raise Stephost::StepError.new('no stock', code: 'OUT_OF_STOCK', retryable: false, details: { sku: 1 }) }
    assert_equal ['OUT_OF_STOCK', 'no stock', 'Stephost::StepError', false, { 'sku' => 1 }],
                 [wire.code, wire.message, wire.type, wire.retryable, JSON.parse(wire.details)]
  end

  def test_a_class_defined_in_a_step_file_is_named_without_the_anonymous_module
    mod = Module.new
    mod.module_eval('class OutOfStock < StandardError; end', 'x_step.rb', 1)
    assert_equal 'OutOfStock', convert { raise mod::OutOfStock, 'gone' }.type
  end

  def test_text_that_is_not_utf8_still_converts
    wire = convert { raise "bad \xff bytes".b }
    assert_equal "bad \uFFFD bytes", wire.message
    assert wire.stack.valid_encoding?
  end

  def test_an_empty_message_becomes_the_class_name
    assert_equal 'IndexError', convert { raise IndexError, '' }.message
  end

  def test_from_wire_gives_the_sdk_exception
    wire = Stephost::V1::StepError.new(code: 'EMIT_NOT_ALLOWED', message: 'not in emits', type: 'CallError',
                                       retryable: false, details: '{"topic":"x"}'.b)
    error = Errors.from_wire(wire)
    assert_kind_of Stephost::StepError, error
    assert_equal ['EMIT_NOT_ALLOWED', 'not in emits', 'CallError', 'host', false, { 'topic' => 'x' }],
                 [error.code, error.message, error.type, error.language, error.retryable?, error.details]
  end

  def test_a_failed_call_raises_with_its_cause_chain
    wire = Stephost::V1::StepError.new(code: 'OUTER', message: 'outer',
                                       cause: Stephost::V1::StepError.new(code: 'INNER', message: 'inner'))
    error = assert_raises(Stephost::StepError) { Errors.raise_from_wire(wire) }
    assert_equal %w[OUTER INNER], [error.code, error.cause&.code]
    assert_nil error.cause.cause
  end
end
