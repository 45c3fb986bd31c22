# frozen_string_literal: true

require_relative 'support'
require 'fileutils'

# The real runtime process over a real gRPC stream, against a scripted host.
class RuntimeTest < Minitest::Test
  V1 = Stephost::V1
  EVENT = :TRIGGER_EVENT

  def setup
    @sessions = []
  end

  def teardown
    @sessions.each(&:close)
  end

  def start(**options)
    session = Support::Session.new(**options)
    @sessions << session
    session.hello
    session
  end

  def test_hello_announces_steps_load_errors_and_capacity
    project = Dir.mktmpdir('stephost-project')
    FileUtils.cp_r(File.join(Support::FIXTURE, 'steps'), project)
    File.write(File.join(project, 'steps', 'broken_step.rb'), "def config\n  {\nend\n")
    File.write(File.join(project, 'steps', 'half_step.rb'), "def config = { type: 'event', name: 'Half' }")
    session = Support::Session.new(project: project, env: { 'STEPHOST_RUBY_THREADS' => '3' })
    @sessions << session
    hello = session.hello
    assert_equal [V1::ContractVersion::CONTRACT_VERSION_CURRENT, 'ruby', "ruby #{RUBY_VERSION}", session.pid, 'ruby-test-1', 3],
                 [hello.contract_version, hello.language, hello.runtime_version, hello.pid, hello.runtime_id,
                  hello.capacity]
    steps = hello.steps.to_h { |step| [step.name, [step.file, JSON.parse(step.config)]] }
    assert_equal %w[Block Calls Deep Echo Fail Tick], steps.keys.sort
    assert_equal ['steps/nested/deep_step.rb', { 'type' => 'noop', 'name' => 'Deep', 'flows' => ['orders'] }],
                 steps['Deep']
    errors = hello.load_errors.to_h { |e| [e.file, [e.error.code, e.error.language]] }
    assert_equal({ 'steps/broken_step.rb' => %w[LOAD_FAILED ruby], 'steps/half_step.rb' => %w[BAD_CONFIG ruby] },
                 errors)
  ensure
    FileUtils.rm_rf(project) if project
  end

  def test_capacity_defaults_to_64
    session = Support::Session.new(env: { 'STEPHOST_RUBY_THREADS' => nil })
    @sessions << session
    assert_equal 64, session.hello.capacity
  end

  def test_api_invocation_gets_the_request_and_returns_the_response
    host = start.host
    traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
    host.invoke_api(5, 'Echo', body: { 'a' => [1, nil] }, path_params: { 'id' => '7' }, query: { 'q' => %w[1 2] },
                               headers: { 'x-test' => 'yes' }, method: 'POST', path: '/echo/7', attempt: 2,
                               traceparent: traceparent)
    result = host.expect(:result)
    assert_equal 5, result.invocation_id
    assert_equal [201, { 'x-step' => 'Echo' }], [result.response.status, result.response.headers.to_h]
    assert_equal({ 'body' => { 'a' => [1, nil] }, 'id' => '7', 'query' => { 'q' => %w[1 2] },
                   'method' => 'POST', 'path' => '/echo/7', 'header' => 'yes',
                   'traceId' => '4bf92f3577b34da6a3ce929d0e0e4736', 'attempt' => 2 },
                 JSON.parse(result.response.body))
  end

  def test_cron_handler_gets_only_the_context
    host = start.host
    host.invoke(1, 'Tick', :TRIGGER_CRON, nil)
    assert_equal 'ticked Tick', JSON.parse(host.expect(:result).output)
  end

  def test_every_context_call_goes_to_the_host_and_back
    host = start.host
    host.invoke(9, 'Calls', EVENT, { key: 'k1' })

    call = host.expect(:call)
    assert_equal [9, :state_get, 'g', 'k1'], [call.invocation_id, call.call, call.state_get.group, call.state_get.key]
    host.reply(call.call_id, state_get: V1::StateGetResponse.new(found: true, value: '{"v":1}'.b))

    call = host.expect(:call)
    assert_equal ['calls.out', { 'seen' => { 'v' => 1 } }, 'grp', 'idem', 5],
                 [call.emit.topic, JSON.parse(call.emit.data), call.emit.group_id, call.emit.idempotency_key,
                  call.emit.delay_ms]
    host.reply(call.call_id, emit: V1::EmitResponse.new(message_id: 'm-1'))

    call = host.expect(:call)
    assert_equal 'calls.undeclared', call.emit.topic
    host.reply(call.call_id, error: V1::StepError.new(code: 'EMIT_NOT_ALLOWED', message: 'not declared',
                                                      language: 'host'))

    log = host.expect(:call)
    assert_equal [9, 'info', 'calls logged', { 'n' => 1, 'key' => 'k1' }],
                 [log.invocation_id, log.log.level, log.log.message, JSON.parse(log.log.fields)]

    call = host.expect(:call)
    assert_equal ['out', { 'id' => 'm-1', 'refused' => ['EMIT_NOT_ALLOWED', 'not declared', false] }],
                 [call.state_set.key, JSON.parse(call.state_set.value)]
    host.reply(call.call_id, state_set: V1::StateSetResponse.new)

    call = host.expect(:call)
    assert_equal :state_delete, call.call
    host.reply(call.call_id, state_delete: V1::StateDeleteResponse.new(deleted: true))
    call = host.expect(:call)
    assert_equal :state_list, call.call
    host.reply(call.call_id, state_list: V1::StateListResponse.new(items: [V1::StateItem.new(key: 'a', value: '[1]'.b)]))
    call = host.expect(:call)
    assert_equal :state_clear, call.call
    host.reply(call.call_id, state_clear: V1::StateClearResponse.new(deleted: 4))

    call = host.expect(:call)
    assert_equal %w[s grp item] + [{ 'progress' => 1 }],
                 [call.stream_set.stream, call.stream_set.group, call.stream_set.id, JSON.parse(call.stream_set.value)]
    host.reply(call.call_id, stream_set: V1::StreamSetResponse.new)
    call = host.expect(:call)
    assert_equal :stream_delete, call.call
    host.reply(call.call_id, stream_delete: V1::StreamDeleteResponse.new(deleted: false))
    call = host.expect(:call)
    assert_equal({ 'type' => 'ping' }, JSON.parse(call.stream_send.event))
    host.reply(call.call_id, stream_send: V1::StreamSendResponse.new)

    result = host.expect(:result)
    assert_equal [true, [{ 'key' => 'a', 'value' => [1] }], 4, false], JSON.parse(result.output)
  end

  def test_failures_arrive_as_step_errors
    host = start.host
    cases = { 'string' => ['HANDLER_ERROR', 'RuntimeError', 'plain string', true],
              'exit' => ['HANDLER_ERROR', 'SystemExit', 'exit', true],
              'timeout' => ['HANDLER_ERROR', 'Timeout::Error', 'execution expired', true],
              'own_class' => ['HANDLER_ERROR', 'OutOfStock', 'sold out', true],
              'step_error' => ['OUT_OF_STOCK', 'Stephost::StepError', 'no stock', false] }
    cases.each_key.with_index(1) { |how, id| host.invoke(id, 'Fail', EVENT, { how: how }) }
    errors = cases.size.times.map { host.expect(:result) }.sort_by(&:invocation_id).map(&:error)
    cases.values.zip(errors).each do |expected, error|
      assert_equal expected, [error.code, error.type, error.message, error.retryable]
      assert_equal %w[ruby Fail], [error.language, error.step]
      assert_match(/fail_step\.rb:\d+:in `handler'/, error.stack)
    end
  end

  def test_a_cause_chain_and_no_method_error
    host = start.host
    host.invoke(1, 'Fail', EVENT, { how: 'cause' })
    error = host.expect(:result).error
    assert_equal %w[ArgumentError KeyError], [error.type, error.cause.type]
    host.invoke(2, 'Fail', EVENT, { how: 'nomethod' })
    assert_equal 'NoMethodError', host.expect(:result).error.type
  end

  def test_unknown_step
    host = start.host
    host.invoke(1, 'Nope', EVENT, {})
    error = host.expect(:result).error
    assert_equal %w[UNKNOWN_STEP ruby], [error.code, error.language]
  end

  def test_heartbeat_is_answered
    host = start.host
    host.write(heartbeat: V1::Heartbeat.new(sent_unix_ms: 1))
    message = host.next_message(:heartbeat)
    assert_equal :heartbeat, message.kind
    assert_operator message.heartbeat.sent_unix_ms, :>, 1
  end

  def test_runs_as_many_invocations_at_once_as_its_capacity
    host = start(env: { 'STEPHOST_RUBY_THREADS' => '4' }).host
    4.times { |i| host.invoke(i + 1, 'Block', EVENT, { key: "k#{i}" }) }
    # All four handlers are waiting on the host at the same moment.
    calls = 4.times.map { host.expect(:call) }
    assert_equal %w[k0 k1 k2 k3], calls.map { |c| c.state_get.key }.sort
    calls.each { |c| host.reply(c.call_id, state_get: V1::StateGetResponse.new(found: true, value: '"done"'.b)) }
    assert_equal [1, 2, 3, 4], 4.times.map { host.expect(:result).invocation_id }.sort
  end

  def test_cancel_stops_a_running_handler_and_drops_a_queued_one
    host = start(env: { 'STEPHOST_RUBY_THREADS' => '1' }).host
    host.invoke(1, 'Block', EVENT, { key: 'a' })
    call = host.expect(:call)
    host.invoke(2, 'Tick', :TRIGGER_CRON, nil) # queued behind 1
    host.write(cancel: V1::Cancel.new(invocation_id: 2, reason: 'timeout'))
    host.write(cancel: V1::Cancel.new(invocation_id: 1, reason: 'timeout'))
    host.reply(call.call_id, state_get: V1::StateGetResponse.new(found: false)) # too late: ignored
    host.invoke(3, 'Tick', :TRIGGER_CRON, nil)
    # One worker: a result for 1 or 2 would come before 3's.
    assert_equal 3, host.expect(:result).invocation_id
  end

  def test_drain_finishes_in_flight_work_then_says_drained_and_exits
    session = start
    host = session.host
    host.invoke(1, 'Block', EVENT, { key: 'a' })
    call = host.expect(:call)
    host.write(drain: V1::Drain.new(grace_ms: 5000))
    host.reply(call.call_id, state_get: V1::StateGetResponse.new(found: true, value: '1'.b))
    assert_equal 1, host.expect(:result).invocation_id
    host.expect(:drained)
    assert_equal :eof, host.next_message('the end of the stream')
    assert_equal 0, session.exit_status.exitstatus, session.log
  end

  def test_drain_with_a_cancelled_invocation_still_queued_says_drained
    session = start(env: { 'STEPHOST_RUBY_THREADS' => '1' })
    host = session.host
    host.invoke(1, 'Block', EVENT, { key: 'a' })
    call = host.expect(:call)
    host.invoke(2, 'Tick', :TRIGGER_CRON, nil) # queued behind 1
    host.write(cancel: V1::Cancel.new(invocation_id: 2, reason: 'timeout'))
    host.write(drain: V1::Drain.new(grace_ms: 5000))
    host.reply(call.call_id, state_get: V1::StateGetResponse.new(found: true, value: '1'.b))
    assert_equal 1, host.expect(:result).invocation_id
    host.expect(:drained)
    assert_equal 0, session.exit_status.exitstatus, session.log
  end

  def test_when_the_host_goes_away_calls_fail_and_the_runtime_exits
    session = start
    session.host.invoke(1, 'Block', EVENT, { key: 'a' })
    session.host.expect(:call)
    session.host.hang_up
    assert_equal 0, session.exit_status.exitstatus, session.log
  end

  def test_a_refusal_is_printed_and_the_runtime_exits_2
    session = Support::Session.new(refuse: 'contract version mismatch: v9')
    @sessions << session
    assert_equal 2, session.exit_status.exitstatus
    assert_includes session.log, 'host refused the runtime (FAILED_PRECONDITION): contract version mismatch: v9'
  end

  def test_bad_thread_count_is_refused_naming_the_variable
    session = Support::Session.new(env: { 'STEPHOST_RUBY_THREADS' => 'lots' })
    @sessions << session
    refute session.exit_status.success?
    assert_includes session.log, 'STEPHOST_RUBY_THREADS must be a whole number from 1 to 1024, got "lots"'
  end
end
