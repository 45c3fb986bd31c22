# frozen_string_literal: true

require 'grpc'
require 'stephost/bridge/codec'
require 'stephost/bridge/dial'
require 'stephost/bridge/errors'
require 'stephost/v1/runtime_services_pb'

module Stephost
  module Bridge
    # The host refused the runtime, or could not be reached.
    class ConnectionError < StandardError; end

    # Nobody answered at the host's address (yet): worth dialing again.
    class HostUnreachableError < ConnectionError; end

    # The Connect call itself, on gRPC's core API (ruby-grpc's BidiCall would
    # add a thread and an Enumerator between the runtime and each write).
    class Stream
      include GRPC::Core::CallOps

      METHOD = "/#{V1::RuntimeService::Service.service_name}/Connect"
      # The call metadata that carries the runtime's key (the host's bridge/admission.py).
      KEY_METADATA = 'stephost-runtime-key'

      def initialize(dial, channel_args, key)
        credentials, args = dial.channel(channel_args)
        @channel = GRPC::ClientStub.setup_channel(nil, dial.address, credentials, args)
        @call = @channel.create_call(nil, nil, METHOD, nil, GRPC::Core::TimeConsts::INFINITE_FUTURE)
        @key = key
        @metadata_received = false
      end

      # Starts the call, sending the key; then `first` (a frame).
      def start(first)
        @call.run_batch(SEND_INITIAL_METADATA => { KEY_METADATA => @key })
        write(first)
      end

      # Only one thread at a time may write.
      def write(frame)
        @call.run_batch(SEND_MESSAGE => V1::RuntimeFrame.encode(frame))
      end

      def close_writes
        @call.run_batch(SEND_CLOSE_FROM_CLIENT => nil)
      end

      # The host's next frame, or nil once the host ended the call (see #status).
      def read
        ops = { RECV_MESSAGE => nil }
        ops[RECV_INITIAL_METADATA] = nil unless @metadata_received
        batch = @call.run_batch(ops)
        @metadata_received = true
        batch.message && V1::HostFrame.decode(batch.message)
      end

      # The call's final status: a Struct with code and details.
      def status
        @call.run_batch(RECV_STATUS_ON_CLIENT => nil).status
      end

      def cancel
        @call.cancel
      end

      def close
        @channel.close
      end
    end

    # The runtime's end of the Connect stream to the host.
    #
    # One bidirectional gRPC stream carries everything. Outgoing messages are
    # queued; one writer thread writes everything queued as one frame, so under
    # load one write moves a batch (and the host pays its per-frame cost once).
    # One reader thread dispatches the host's messages to the handler (the
    # runtime) and wakes callers whose replies arrived, matched by call_id.
    class Connection
      MAX_MESSAGE_BYTES = 64 * 1024 * 1024
      CHANNEL_ARGS = { 'grpc.max_send_message_length' => MAX_MESSAGE_BYTES,
                       'grpc.max_receive_message_length' => MAX_MESSAGE_BYTES }.freeze
      # The largest single message the host takes (its max_message_bytes): a call or
      # result over it fails alone, with MESSAGE_TOO_LARGE, instead of breaking the stream.
      MESSAGE_LIMIT = ENV.fetch('STEPHOST_MAX_MESSAGE_BYTES', '').then { |v| v.match?(/\A\d+\z/) ? v.to_i : 16 << 20 }
      # The fields of a call that carry its data.
      DATA_FIELDS = %i[data value event].freeze

      # dial: where the host is and how to reach it (a Dial, or an address: plain,
      # no time limit); key: what lets the runtime through the host's gateway
      # (STEPHOST_RUNTIME_KEY).
      def initialize(dial, key = '')
        @dial = dial.is_a?(Dial) ? dial : Dial.new(dial)
        @address = @dial.address
        @key = key
        @lock = Mutex.new
        @outbox = []
        @ready = ConditionVariable.new
        @writer_idle = false
        @pending = {}
        @next_call_id = 0
        @closed = false
      end

      # Dials the host, announces the steps (and the files that failed) in
      # Hello, and waits for Welcome; the host's messages then go to
      # handler.on_invocation(id, decode) (decode.call gives the
      # Stephost::Invocation) / on_cancel(id, reason) / on_drain / on_closed.
      # A host that does not answer is dialed again with backoff (a line on
      # stderr each time) until the dial's limit; ConnectionError when the host
      # refuses the runtime, or the limit passed.
      def open(steps, failures, capacity, runtime_id, handler)
        hello = Bridge.hello(steps, failures, capacity, runtime_id)
        @handler = handler
        retry_policy = Retry.new(@dial.timeout_s)
        begin
          welcome = try_open(hello)
        rescue HostUnreachableError => e
          wait = retry_policy.next_wait
          raise ConnectionError, e.message if wait.nil?

          warn "stephost ruby runtime: #{e.message}; retrying in #{wait}s"
          sleep wait
          retry
        end
        @reader = Thread.new { read_loop }
        @reader.name = 'stephost-reader'
        @writer = Thread.new { write_loop }
        @writer.name = 'stephost-writer'
        welcome
      end

      # Queues a message for the next frame; safe from any thread.
      def send_message(message)
        @lock.synchronize do
          @outbox << message
          @ready.signal if @writer_idle
        end
      end

      # Ends the runtime's half of the stream (after what is queued), and waits
      # for the host to end its half.
      def close(timeout_s = 5)
        send_message(nil)
        @writer&.join(timeout_s)
        @reader&.join(timeout_s)
      end

      # Results are built from nested Hashes: half the cost of a `new` per message.

      # The handler returned `value` (JSON, or a generated message).
      def send_output(invocation_id, value)
        output = Bridge.dump(value)
        raise too_large("the handler's result", output.bytesize) if output.bytesize > MESSAGE_LIMIT

        send_message(V1::RuntimeMessage.new(result: { invocation_id: invocation_id, output: output }))
      end

      # An api handler returned `response` (checked: see Runtime.api_response).
      def send_response(invocation_id, response)
        wire = Bridge.api_response(response)
        size = wire[:body].to_s.bytesize
        raise too_large('the response body', size) if size > MESSAGE_LIMIT

        result = { invocation_id: invocation_id, response: wire }
        send_message(V1::RuntimeMessage.new(result: result))
      end

      # The handler (or the runtime, for it) raised `exc`; `code` overrides the
      # error's own.
      def send_failure(invocation_id, exc, step, code: nil)
        error = Errors.to_wire(exc, step)
        error.code = code if code
        send_message(V1::RuntimeMessage.new(result: V1::InvocationResult.new(invocation_id: invocation_id,
                                                                              error: error)))
      end

      def send_drained
        send_message(V1::RuntimeMessage.new(drained: V1::Drained.new))
      end

      # -- calls into the host (Stephost::Context's link) ------------------------

      def emit(invocation_id, topic, data, group_id, idempotency_key, delay_ms, priority = nil)
        fields = { topic: topic, data: Bridge.dump(data), group_id: group_id,
                   idempotency_key: idempotency_key, delay_ms: delay_ms }
        fields[:priority] = priority unless priority.nil? # unset: the subscribers' defaults
        request(invocation_id, :emit, V1::EmitRequest.new(**fields)).emit.message_id
      end

      def state_get(invocation_id, group, key)
        reply = request(invocation_id, :state_get, V1::StateGetRequest.new(group: group, key: key)).state_get
        reply.found ? Bridge.load(reply.value) : nil
      end

      def state_set(invocation_id, group, key, value)
        request(invocation_id, :state_set,
                V1::StateSetRequest.new(group: group, key: key, value: Bridge.dump(value)))
      end

      def state_delete(invocation_id, group, key)
        request(invocation_id, :state_delete, V1::StateDeleteRequest.new(group: group, key: key))
          .state_delete.deleted
      end

      def state_list(invocation_id, group)
        request(invocation_id, :state_list, V1::StateListRequest.new(group: group)).state_list.items.map do |item|
          { 'key' => item.key, 'value' => Bridge.load(item.value) }
        end
      end

      def state_clear(invocation_id, group)
        request(invocation_id, :state_clear, V1::StateClearRequest.new(group: group)).state_clear.deleted
      end

      def stream_set(invocation_id, stream, group, id, value)
        request(invocation_id, :stream_set,
                V1::StreamSetRequest.new(stream: stream, group: group, id: id, value: Bridge.dump(value)))
      end

      def stream_delete(invocation_id, stream, group, id)
        request(invocation_id, :stream_delete, V1::StreamDeleteRequest.new(stream: stream, group: group, id: id))
          .stream_delete.deleted
      end

      def stream_send(invocation_id, stream, group, event, id = '')
        request(invocation_id, :stream_send,
                V1::StreamSendRequest.new(stream: stream, group: group, event: Bridge.dump(event), id: id))
      end

      def stream_get(invocation_id, stream, group, id)
        reply = request(invocation_id, :stream_get,
                        V1::StreamGetRequest.new(stream: stream, group: group, id: id)).stream_get
        reply.found ? Bridge.load(reply.value) : nil
      end

      def stream_list(invocation_id, stream, group)
        request(invocation_id, :stream_list, V1::StreamListRequest.new(stream: stream, group: group))
          .stream_list.items.map { |item| { 'id' => item.id, 'value' => Bridge.load(item.value) } }
      end

      # A log line; it gets no reply.
      def log(invocation_id, level, message, fields)
        record = V1::LogRecord.new(level: level, message: Bridge.utf8(message),
                                   fields: fields.empty? ? '' : Bridge.dump(fields), time_unix_ms: Bridge.now_ms)
        send_message(V1::RuntimeMessage.new(call: V1::HostCall.new(invocation_id: invocation_id, log: record)))
      end

      private

      def request(invocation_id, kind, payload)
        size = DATA_FIELDS.sum { |field| payload.respond_to?(field) ? payload.public_send(field).to_s.bytesize : 0 }
        raise too_large("this #{kind} call", size) if size > MESSAGE_LIMIT

        slot = Queue.new
        call_id = nil
        @lock.synchronize do
          raise lost if @closed

          call_id = (@next_call_id += 1)
          @pending[call_id] = slot
        end
        send_message(V1::RuntimeMessage.new(call: V1::HostCall.new(call_id: call_id, invocation_id: invocation_id,
                                                                   kind => payload)))
        reply = slot.pop
        raise reply if reply.is_a?(Exception)
        Errors.raise_from_wire(reply.error) if reply.reply == :error

        reply
      rescue Exception # Cancelled included: forget the call
        @lock.synchronize { @pending.delete(call_id) } if call_id
        raise
      end

      def too_large(what, size)
        Stephost::StepError.new("#{what} is #{size} bytes; the host takes messages up to #{MESSAGE_LIMIT} bytes " \
                                '(max_message_bytes)', code: 'MESSAGE_TOO_LARGE', retryable: false)
      end

      def lost
        Stephost::StepError.new('the connection to the host closed', code: 'RUNTIME_LOST')
      end

      def write_loop
        while (batch = next_batch)
          messages = batch.compact
          @stream.write(V1::RuntimeFrame.new(messages: messages)) unless messages.empty?
          next unless batch.include?(nil) # #close's end marker

          @stream.close_writes
          return
        end
      rescue GRPC::Core::CallError, StandardError => e # the call broke; the reader sees it end
        warn "stephost ruby runtime: writing to the host failed: #{e.class}: #{e.message}" unless @closed
      end

      # Everything queued, once there is something; nil once the stream ended.
      def next_batch
        @lock.synchronize do
          while @outbox.empty?
            return nil if @closed

            @writer_idle = true
            @ready.wait(@lock)
            @writer_idle = false
          end
          batch = @outbox
          @outbox = []
          batch
        end
      end

      def try_open(hello)
        @stream&.close
        @stream = Stream.new(@dial, CHANNEL_ARGS.dup, @key)
        begin
          @stream.start(V1::RuntimeFrame.new(messages: [V1::RuntimeMessage.new(hello: hello)]))
        rescue GRPC::Core::CallError
          nil # the host ended the call at once (or was not there); its status says why
        end
        first_reply
      rescue GRPC::Core::CallError => e
        status = begin
          @stream.status
        rescue GRPC::Core::CallError
          nil
        end
        raise HostUnreachableError, "cannot reach the host at #{@address}: #{e.message}" unless status

        refused(status)
      end

      # Raises for the call's final `status`: worth dialing again, or a refusal.
      def refused(status)
        name = status_name(status.code)
        if %i[UNAVAILABLE DEADLINE_EXCEEDED].include?(name)
          raise HostUnreachableError, "cannot reach the host at #{@address} (#{name}: #{status.details})"
        end

        raise ConnectionError, "host refused the runtime (#{name}): #{status.details}"
      end

      def first_reply
        frame = @stream.read
        refused(@stream.status) if frame.nil?
        first = frame.messages.first
        raise ConnectionError, "host answered Hello with #{first&.kind.inspect}" unless first&.kind == :welcome

        frame.messages.drop(1).each { |message| dispatch(message) }
        first.welcome
      end

      def read_loop
        while (frame = @stream.read)
          frame.messages.each { |message| dispatch(message) }
        end
        ended(@stream.status)
      rescue GRPC::Core::CallError, StandardError => e
        warn "stephost ruby runtime: reading from the host failed: #{e.class}: #{e.message}"
      ensure
        shut
      end

      def dispatch(message)
        case message.kind
        when :invocation
          wire = message.invocation
          @handler.on_invocation(wire.id, -> { Bridge.invocation(wire) })
        when :reply
          slot = @lock.synchronize { @pending.delete(message.reply.call_id) }
          slot&.push(message.reply)
        when :heartbeat
          send_message(V1::RuntimeMessage.new(heartbeat: V1::Heartbeat.new(sent_unix_ms: Bridge.now_ms)))
        when :cancel then @handler.on_cancel(message.cancel.invocation_id, message.cancel.reason)
        when :drain then @handler.on_drain
        end
      end

      # The stream ended: say why, unless the host ended it as planned (after Drained).
      def ended(status)
        return if status.code == GRPC::Core::StatusCodes::OK

        warn "stephost ruby runtime: the connection to the host ended (#{status_name(status.code)}: #{status.details})"
      end

      # The stream ended: every waiting call fails as RUNTIME_LOST.
      def shut
        pending = @lock.synchronize do
          @closed = true
          @ready.signal
          waiting = @pending.values
          @pending = {}
          waiting
        end
        pending.each { |slot| slot.push(lost) }
        @handler&.on_closed
      end

      def status_name(code)
        GRPC::Core::StatusCodes.constants.find { |name| GRPC::Core::StatusCodes.const_get(name) == code } || code
      end
    end
  end
end
