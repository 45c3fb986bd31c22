# frozen_string_literal: true

# Test support: a scripted host (a real gRPC server speaking the contract) and
# the real runtime process (bin/stephost-ruby) dialling it.

$LOAD_PATH.unshift(File.expand_path('../lib', __dir__))
require 'minitest'
require 'json'
require 'timeout'
require 'tmpdir'
require 'rbconfig'
require 'grpc'
require 'stephost/v1/runtime_services_pb'

module Support
  V1 = Stephost::V1
  ROOT = File.expand_path('..', __dir__)
  BIN = File.join(ROOT, 'bin', 'stephost-ruby')
  FIXTURE = File.join(__dir__, 'fixtures', 'project')
  # A guard against a hang, not a measurement: every awaited event is awaited.
  WAIT_S = 15

  # Awaits a queue's next item, failing the test rather than hanging forever.
  def self.pop(queue, what)
    Timeout.timeout(WAIT_S) { queue.pop }
  rescue Timeout::Error
    raise Minitest::Assertion, "timed out waiting for #{what}"
  end

  # The host's side of one Connect stream, driven by the test.
  class ScriptedHost < V1::RuntimeService::Service
    attr_reader :received

    def initialize(refuse: nil)
      super()
      @refuse = refuse
      @received = Queue.new
      @outgoing = Queue.new
    end

    def connect(requests, _call)
      raise GRPC::FailedPrecondition, @refuse if @refuse

      Thread.new do
        requests.each { |frame| frame.messages.each { |message| @received << message } }
        @received << :eof
        hang_up # as the real host does when a runtime ends its half of the stream
      rescue StandardError => e
        @received << e
      end
      Enumerator.new do |out|
        loop do
          messages = @outgoing.pop
          break if messages == :close

          out << V1::HostFrame.new(messages: messages)
        end
      end
    end

    # Sends one frame holding these HostMessages (or keyword => message pairs).
    def write(*messages, **kinds)
      @outgoing << messages + kinds.map { |kind, value| V1::HostMessage.new(kind => value) }
    end

    # Ends the stream from the host's side (the host went away).
    def hang_up
      @outgoing << :close
    end

    # The runtime's next message; skips heartbeats unless asked for.
    def next_message(what = 'a message from the runtime')
      loop do
        message = Support.pop(@received, what)
        raise message if message.is_a?(Exception)
        return message unless message != :eof && message.kind == :heartbeat && what != :heartbeat
      end
    end

    def expect(kind)
      message = next_message(kind)
      raise Minitest::Assertion, "expected #{kind}, the runtime sent #{describe(message)}" unless message != :eof && message.kind == kind

      message.public_send(kind)
    end

    def describe(message)
      message == :eof ? 'the end of its stream' : message.to_h.inspect[0, 400]
    end

    def welcome
      write(welcome: V1::Welcome.new(contract_version: V1::ContractVersion::CONTRACT_VERSION_CURRENT,
                                     host_version: 'test', heartbeat_interval_ms: 10_000))
    end

    def invoke(id, step, trigger, payload, attempt: 1, traceparent: '')
      invocation = V1::Invocation.new(id: id, step: step, trigger: trigger, payload: JSON.generate(payload).b,
                                      attempt: attempt, trace: V1::TraceContext.new(traceparent: traceparent))
      write(invocation: invocation)
    end

    # An api invocation: the request as the host sends it (query values as Arrays).
    def invoke_api(id, step, body: nil, method: 'GET', path: '/', path_params: {}, query: {}, headers: {},
                   attempt: 1, traceparent: '')
      request = V1::ApiRequest.new(
        body: body.nil? ? '' : JSON.generate(body).b, method: method, path: path, path_params: path_params,
        headers: headers, query_params: query.transform_values { |values| V1::QueryValues.new(values: values) }
      )
      write(invocation: V1::Invocation.new(id: id, step: step, trigger: :TRIGGER_API, request: request,
                                           attempt: attempt, trace: V1::TraceContext.new(traceparent: traceparent)))
    end

    def reply(call_id, **kind)
      write(reply: V1::HostCallReply.new(call_id: call_id, **kind))
    end
  end

  # One scripted host on a free port and one runtime process dialling it.
  class Session
    attr_reader :host, :pid, :output

    def initialize(env: {}, project: FIXTURE, refuse: nil)
      @host = ScriptedHost.new(refuse: refuse)
      @server = GRPC::RpcServer.new(pool_size: 2)
      port = @server.add_http2_port('127.0.0.1:0', :this_port_is_insecure)
      @server.handle(@host)
      @server_thread = Thread.new { @server.run }
      @server.wait_till_running(WAIT_S)
      @output = File.join(Dir.mktmpdir('stephost-ruby-test'), 'runtime.log')
      base = { 'STEPHOST_HOST_ADDRESS' => "127.0.0.1:#{port}", 'STEPHOST_RUNTIME_ID' => 'ruby-test-1',
               'STEPHOST_PROJECT_DIR' => project }
      @pid = Process.spawn(base.merge(env), RbConfig.ruby, BIN, chdir: project, out: @output, err: @output)
      @status = nil
    end

    # The Hello, answered with a Welcome.
    def hello
      hello = @host.expect(:hello)
      @host.welcome
      hello
    end

    def exit_status
      @status ||= Timeout.timeout(WAIT_S) { Process.wait2(@pid)[1] }
    rescue Timeout::Error
      raise Minitest::Assertion, "the runtime did not exit; its output:\n#{log}"
    end

    def log
      File.exist?(@output) ? File.read(@output) : ''
    end

    def close
      unless @status
        Process.kill('KILL', @pid)
        Process.wait(@pid)
      end
      @host.hang_up
      @server.stop
      @server_thread.join(WAIT_S)
    rescue Errno::ESRCH, Errno::ECHILD
      nil
    end
  end
end
