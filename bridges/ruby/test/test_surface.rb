# frozen_string_literal: true

require_relative 'support'
require 'stephost'

# What a step author may use; a change here is a change to the SDK.
class SurfaceTest < Minitest::Test
  def public_methods_of(klass)
    klass.public_instance_methods(false).sort
  end

  def test_the_public_names
    names = IO.popen([RbConfig.ruby, '-I', File.join(Support::ROOT, 'lib'), '-rstephost', '-e',
                      'puts Stephost.constants.sort'], &:read).split
    assert_equal %w[ApiRequest Context Motia StepError], names
    assert_equal %i[attempt auth cancelled? deadline emit logger state step streams traceId trace_id trace_state],
                 public_methods_of(Stephost::Context)
    assert_equal %i[clear delete get getGroup get_group list set], public_methods_of(Stephost::Context::State)
    assert_equal %i[delete get list send set], public_methods_of(Stephost::Context::Streams)
    assert_equal %i[debug error info warn warning], public_methods_of(Stephost::Context::Logger)
    assert_equal %i[body headers method path path_params query_params to_h], public_methods_of(Stephost::ApiRequest)
    assert_equal %i[code details language retryable retryable? stack step type], public_methods_of(Stephost::StepError)
  end

  # The Motia-compatibility entry (see motia.rb).
  def test_the_motia_names
    assert_equal %i[emit_args], Stephost::Motia.singleton_methods.sort
  end

  def test_motia_emit_form_maps_onto_the_native_arguments
    assert_equal ['t', { 'a' => 1 }, 'g'], Stephost::Motia.emit_args(topic: 't', data: { 'a' => 1 }, messageGroupId: 'g')
    assert_equal ['t', nil, nil], Stephost::Motia.emit_args('topic' => :t)
    error = assert_raises(ArgumentError) { Stephost::Motia.emit_args(topic: 't', dta: 1) }
    assert_equal 'emit: unknown keys dta in the event; it takes topic, data and messageGroupId', error.message
    error = assert_raises(ArgumentError) { Stephost::Motia.emit_args(data: 1) }
    assert_equal "emit: the event's topic must be a non-empty String, got nil", error.message
  end

  def test_context_arguments_are_checked_with_a_clear_error
    ctx = Stephost::Context.new(nil, 1, 'S', '', 1)
    error = assert_raises(ArgumentError) { ctx.state.get('g', 42) }
    assert_equal 'state.get: key must be a String, got Integer 42', error.message
    error = assert_raises(ArgumentError) { ctx.emit('t', {}, delay_ms: -1) }
    assert_equal 'emit: delay_ms must be a whole number >= 0, got -1', error.message
  end
end
