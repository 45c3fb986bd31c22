# frozen_string_literal: true

require 'json'
require 'stephost'
require 'stephost/loader'
require 'stephost/typed'
require 'stephost/bridge/connection'

module Stephost
  # The Ruby runtime process: `ruby bridges/ruby/bin/stephost-ruby`.
  #
  # The host launches it with STEPHOST_HOST_ADDRESS (the gRPC address to dial),
  # STEPHOST_RUNTIME_KEY (what lets it in; removed from the environment at once,
  # so processes a handler starts never inherit it), STEPHOST_RUNTIME_ID and
  # STEPHOST_PROJECT_DIR in its environment (`stephost runtime --connect` does
  # the same for a remote host, with a runtime token as the key, and TLS: see
  # bridge/dial.rb). It loads
  # the project's Ruby steps, announces them in Hello with its capacity (the
  # size of its worker pool, so the host never sends more than fits), then runs
  # invocations on that pool until the host drains it or the stream ends.
  class Runtime
    DEFAULT_THREADS = 64
    MAX_THREADS = 1024
    # "stdin": the host writes {"address", "id", "key"} there once the steps are loaded
    # (it started this runtime before it could say them: host/runtimes/prewarm.py).
    PARAMS_ENV = 'STEPHOST_RUNTIME_PARAMS'

    # Raised inside a handler's thread when the host cancels its invocation.
    # An Exception (not a StandardError), so `rescue => e` in a handler does not
    # swallow it.
    class Cancelled < Exception; end

    def initialize(conn, steps, threads)
      @conn = conn
      @steps = steps.to_h { |step| [step.name, step] }
      @lock = Mutex.new
      # invocation id => :queued, :cancelled or the Thread running it.
      @jobs = {}
      # invocation id => its Context::Cancellation (what ctx.cancelled? reads).
      @cancellations = {}
      # Invocations waiting for a worker, and the workers waiting for them.
      @queue = []
      @has_work = ConditionVariable.new
      @idle = 0
      @waking = false
      @draining = false
      @done = Queue.new
      @workers = Array.new(threads) do |i|
        Thread.new { work_loop }.tap { |thread| thread.name = "stephost-worker-#{i + 1}" }
      end
    end

    # Blocks until the runtime drained or the stream ended; returns which.
    def wait
      @done.pop
    end

    # -- what the connection's reader calls ---------------------------------

    # `decode.call` gives the Stephost::Invocation: decoded by the worker that
    # runs it, not by the reader, which only hands invocations out.
    def on_invocation(invocation_id, decode)
      @lock.synchronize do
        @jobs[invocation_id] = :queued
        @cancellations[invocation_id] = Context::Cancellation.new
        @queue << [invocation_id, decode]
        wake_worker
      end
    end

    # A queued invocation is dropped; a running handler sees ctx.cancelled? and
    # gets Cancelled raised in its thread. The host ignores a late result anyway.
    def on_cancel(invocation_id, _reason = '')
      @lock.synchronize do
        @cancellations[invocation_id]&.cancel!
        job = @jobs[invocation_id]
        if job == :queued
          @jobs[invocation_id] = :cancelled
        elsif job.is_a?(Thread)
          job.raise(Cancelled, 'the host cancelled the invocation')
        end
      end
    end

    def on_drain
      idle = @lock.synchronize do
        @draining = true
        @jobs.empty?
      end
      drained if idle
    end

    def on_closed
      @done << :closed
    end

    private

    def drained
      @conn.send_drained
      @done << :drained
    end

    def work_loop
      Thread.handle_interrupt(Cancelled => :never) do
        loop { run(*next_invocation) }
      end
    end

    # Wakes one idle worker, unless one is already waking: that one wakes the
    # next if work remains when it takes its invocation. A frame of N
    # invocations thus wakes only as many workers as get to run them, not N
    # (each wake-up is a futex call and a fight for the GVL); a worker that
    # finishes takes the next invocation without sleeping. Called under @lock.
    def wake_worker
      return if @waking || @idle.zero?

      @waking = true
      @has_work.signal
    end

    # The next invocation to run and its cancellation (blocks until there is
    # one), marked as running on this thread; cancelled ones are dropped.
    def next_invocation
      @lock.synchronize do
        loop do
          while @queue.empty?
            @idle += 1
            @has_work.wait(@lock)
            @idle -= 1
            @waking = false
          end
          id, decode = @queue.shift
          wake_worker unless @queue.empty?
          if @jobs[id] == :cancelled
            @jobs.delete(id)
            @cancellations.delete(id)
            drained if @draining && @jobs.empty? # the last one was cancelled while it waited
            next
          end
          @jobs[id] = Thread.current
          return [id, decode, @cancellations[id]]
        end
      end
    end

    def run(id, decode, cancellation)
      invocation = nil
      outcome = nil
      begin
        invocation = decode.call
        outcome = outcome_of(invocation, cancellation)
      rescue Cancelled
        outcome = nil
      rescue StandardError => e # a fault of the runtime's own must not cost a worker
        outcome = [:failure, e, 'INTERNAL']
      ensure
        idle = @lock.synchronize do
          @jobs.delete(id)
          @cancellations.delete(id)
          @draining && @jobs.empty?
        end
        forget_cancel
      end
      deliver(id, invocation ? invocation.step : '', *outcome) if outcome
      drained if idle
    end

    # [:output, value], [:response, checked api response], or
    # [:failure, exception, code (nil: the exception's own)].
    def outcome_of(invocation, cancellation)
      step = @steps[invocation.step]
      unless step
        return [:failure, StepError.new("this Ruby runtime has no step named #{invocation.step.inspect}",
                                        code: 'UNKNOWN_STEP'), nil]
      end

      begin
        output = call(step, invocation, cancellation)
        invocation.trigger == :api ? [:response, Runtime.api_response(output)] : [:output, output]
      rescue Cancelled
        raise
      rescue NoMemoryError => e
        at_memory_limit(step.name) if ENV['STEPHOST_MEMORY_LIMIT_MB']
        [:failure, e, nil]
      rescue Exception => e # user code may raise anything
        [:failure, e, nil]
      end
    end

    # An isolated step's runtime reached its memory limit: nothing here can be trusted to
    # run on, so it exits; the host restarts it and redelivers the event.
    def at_memory_limit(step)
      warn "stephost ruby runtime: #{step} reached the memory limit " \
           "(#{ENV.fetch('STEPHOST_MEMORY_LIMIT_MB', nil)} MB); exiting"
      $stderr.flush
      exit!(137)
    end

    def deliver(id, step, kind, value, code = nil)
      begin
        return @conn.send_output(id, value) if kind == :output
        return @conn.send_response(id, value) if kind == :response
      rescue StandardError => e # what the handler returned is not JSON
        value = e
      end
      @conn.send_failure(id, value, step, code: code)
    end

    # A Cancelled raised just as the handler finished would hit the next one.
    def forget_cancel
      return unless Thread.pending_interrupt?(Cancelled)

      Thread.handle_interrupt(Cancelled => :immediate) { Thread.pass }
    rescue Cancelled
      nil
    end

    def call(step, invocation, cancellation)
      ctx = Context.new(@conn, invocation.id, step.name, invocation.trace_id, invocation.attempt, step.emit_types,
                        deadline_ms: invocation.deadline_ms, trace_state: invocation.tracestate,
                        cancellation: cancellation, auth: invocation.auth)
      case invocation.trigger
      when :api, :auth
        request = Runtime.api_request(step, invocation.request)
        Thread.handle_interrupt(Cancelled => :immediate) { step.call(request, ctx) }
      when :event
        data = if step.message_class
                 Typed.decode(step.name, step.message_class, invocation.payload)
               else
                 Bridge.load(invocation.payload)
               end
        Thread.handle_interrupt(Cancelled => :immediate) { step.call(data, ctx) }
      else
        Thread.handle_interrupt(Cancelled => :immediate) { step.call(ctx) }
      end
    end

    class << self
      # The request an api handler gets; a typed step's body is its message class.
      def api_request(step, request)
        return request unless step.message_class

        ApiRequest.new(**request.to_h, body: Typed.from_value(step.name, step.message_class, request.body))
      end

      # {"status", "body", "headers"} (String header values) from what an api
      # handler returned; BAD_RESPONSE (not retryable) says what is wrong.
      def api_response(output)
        unless output.is_a?(Hash) && (output.key?(:status) || output.key?('status'))
          raise bad_response('an api handler must return a Hash with :status (and :body, :headers); ' \
                             "it returned #{output.class}")
        end

        status = pick(output, :status)
        unless status.is_a?(Integer) && status.between?(100, 599)
          raise bad_response("status must be an Integer from 100 to 599, got #{status.inspect}")
        end

        { 'status' => status, 'body' => pick(output, :body), 'headers' => header_strings(pick(output, :headers)) }
      end

      def header_strings(headers)
        return {} if headers.nil?
        raise bad_response("headers must be a Hash, got #{headers.class}") unless headers.is_a?(Hash)

        headers.to_h do |name, value|
          unless value.is_a?(String) || value.is_a?(Symbol) || value.is_a?(Numeric)
            raise bad_response("header #{name.to_s.inspect} must be a String, got #{value.class}")
          end

          [name.to_s, value.to_s]
        end
      end

      def bad_response(message)
        StepError.new(message, code: 'BAD_RESPONSE', retryable: false)
      end

      def pick(hash, key)
        hash.key?(key) ? hash[key] : hash[key.to_s]
      end

      def threads(env)
        raw = env.fetch('STEPHOST_RUBY_THREADS', DEFAULT_THREADS.to_s)
        count = Integer(raw, exception: false)
        return count if count && count >= 1 && count <= MAX_THREADS

        abort "stephost ruby runtime: STEPHOST_RUBY_THREADS must be a whole number from 1 to #{MAX_THREADS}, " \
              "got #{raw.inspect}"
      end

      # The params a runtime started early waits for on stdin (end of input: not needed).
      def params_from_stdin
        line = $stdin.gets
        exit 0 if line.nil?
        params = begin
          JSON.parse(line)
        rescue JSON::ParserError # (not its message: it quotes the line, which holds the key)
          abort "stephost ruby runtime: #{PARAMS_ENV}=stdin, but its first line is not JSON: " \
                '{"address", "id", "key"} expected'
        end
        %w[address id key].each do |name|
          next if params.is_a?(Hash) && params[name].is_a?(String)

          abort "stephost ruby runtime: #{PARAMS_ENV}=stdin, but its first line has no string '#{name}'"
        end
        params
      end

      def dial_from(address, env)
        Bridge::Dial.from_env(address, env)
      rescue ArgumentError => e
        abort "stephost ruby runtime: #{e.message}"
      end

      def main(env = ENV)
        $stdout.sync = true
        waiting = env.delete(PARAMS_ENV) == 'stdin'
        address = env['STEPHOST_HOST_ADDRESS'].to_s
        if address.empty? && !waiting
          abort 'stephost ruby runtime: STEPHOST_HOST_ADDRESS is not set (the host sets it)'
        end
        key = env.delete('STEPHOST_RUNTIME_KEY').to_s
        dial = dial_from(address, env) unless waiting
        capacity = threads(env)
        project = File.expand_path(env.fetch('STEPHOST_PROJECT_DIR', '.'))
        Dir.chdir(project)
        generated = Typed.generated_dir(project, env)
        Typed.add_to_load_path(generated)
        steps, failures = Loader.load_steps(project)
        failures += Typed.resolve(steps, generated, project)
        if waiting
          params = params_from_stdin
          env['STEPHOST_HOST_ADDRESS'] = params['address']
          env['STEPHOST_RUNTIME_ID'] = params['id']
          key = params['key']
          dial = dial_from(params['address'], env)
        end
        conn = Bridge::Connection.new(dial, key)
        runtime = new(conn, steps, capacity)
        begin
          conn.open(steps, failures, capacity, env['STEPHOST_RUNTIME_ID'], runtime)
        rescue Bridge::ConnectionError => e
          warn "stephost ruby runtime: #{e.message}"
          return 2
        end
        runtime.wait
        conn.close
        0
      end
    end
  end
end
