# frozen_string_literal: true

require 'grpc'
require 'stephost/bridge/codec'
require 'stephost/bridge/errors'
require 'stephost/v1/runtime_services_pb'

module Stephost
  module Bridge
    # The host refused the runtime, or could not be reached.
    class ConnectionError < StandardError; end

    # The runtime's end of the Connect stream to the host.
    #
    # One bidirectional gRPC stream carries everything. Outgoing messages are
    # queued and written in batches (one frame per write, holding whatever
    # queued up while the previous write was in flight). Calls into the host
    # block their thread until the reply with the same call_id arrives.
    #
    # Threads: gRPC's writer thread pulls frames from #each_frame; one reader
    # thread dispatches the host's messages to the handler (the runtime).
    class Connection
      MAX_MESSAGE_BYTES = 64 * 1024 * 1024
      # How often an idle writer looks whether the host ended the call.
      IDLE_CHECK_S = 0.2

      def initialize(address)
        @address = address
        @lock = Mutex.new
        @ready = ConditionVariable.new
        @outbox = []
        @pending = {}
        @next_call_id = 0
        @closing = false
        @closed = false
        @op = nil
      end

      def closed?
        @closed
      end

      # Dials the host, sends Hello and waits for Welcome; the host's messages
      # then go to handler.on_invocation / on_cancel / on_drain / on_closed.
      def open(hello, handler)
        @handler = handler
        send_message(V1::RuntimeMessage.new(hello: hello))
        stub = V1::RuntimeService::Stub.new(
          @address, :this_channel_is_insecure,
          channel_args: { 'grpc.max_send_message_length' => MAX_MESSAGE_BYTES,
                          'grpc.max_receive_message_length' => MAX_MESSAGE_BYTES }
        )
        @op = stub.connect(enum_for(:each_frame), return_op: true)
        welcome = Queue.new
        @reader = Thread.new { read_loop(welcome) }
        first = welcome.pop
        raise first if first.is_a?(Exception)

        first
      end

      # Queues a message for the next frame; safe from any thread.
      def send_message(message)
        @lock.synchronize do
          @outbox << message
          @ready.signal
        end
      end

      # Ends the stream once what is queued is written, and waits for the reader.
      def close(timeout_s = 5)
        @lock.synchronize do
          @closing = true
          @ready.signal
        end
        @reader&.join(timeout_s)
      end

      # -- calls into the host (Stephost::Context's link) ------------------------

      def emit(invocation_id, topic, data, group_id, idempotency_key, delay_ms)
        request(invocation_id, :emit, V1::EmitRequest.new(
                                        topic: topic, data: Bridge.dump(data), group_id: group_id,
                                        idempotency_key: idempotency_key, delay_ms: delay_ms
                                      )).emit.message_id
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

      def stream_send(invocation_id, stream, group, event)
        request(invocation_id, :stream_send,
                V1::StreamSendRequest.new(stream: stream, group: group, event: Bridge.dump(event)))
      end

      # A log line; it gets no reply.
      def log(invocation_id, level, message, fields)
        record = V1::LogRecord.new(level: level, message: Bridge.utf8(message),
                                   fields: fields.empty? ? '' : Bridge.dump(fields), time_unix_ms: Bridge.now_ms)
        send_message(V1::RuntimeMessage.new(call: V1::HostCall.new(invocation_id: invocation_id, log: record)))
      end

      private

      def request(invocation_id, kind, payload)
        slot = Queue.new
        call_id = nil
        @lock.synchronize do
          raise lost if @closed

          call_id = (@next_call_id += 1)
          @pending[call_id] = slot
          call = V1::HostCall.new(call_id: call_id, invocation_id: invocation_id, kind => payload)
          @outbox << V1::RuntimeMessage.new(call: call)
          @ready.signal
        end
        reply = slot.pop
        raise reply if reply.is_a?(Exception)
        raise Errors.from_wire(reply.error) if reply.reply == :error

        reply
      rescue Exception # Cancelled included: forget the call
        @lock.synchronize { @pending.delete(call_id) } if call_id
        raise
      end

      def lost
        Stephost::StepError.new('the connection to the host closed', code: 'RUNTIME_LOST')
      end

      # gRPC's writer thread iterates this: one frame per write, batching
      # whatever queued meanwhile. Returning ends the runtime's half of the stream.
      def each_frame
        loop do
          batch = next_batch
          return if batch.nil?

          yield V1::RuntimeFrame.new(messages: batch)
        end
      end

      def next_batch
        @lock.synchronize do
          while @outbox.empty?
            return nil if @closing || @closed || @op&.status

            @ready.wait(@lock, IDLE_CHECK_S)
          end
          batch = @outbox
          @outbox = []
          batch
        end
      end

      def read_loop(welcome)
        waiting = welcome
        @op.execute.each do |frame|
          frame.messages.each do |message|
            if waiting
              waiting.push(welcome_of(message))
              waiting = nil
            else
              dispatch(message)
            end
          end
        end
        waiting&.push(ConnectionError.new('the host closed the stream before it answered Hello'))
      rescue GRPC::BadStatus => e
        waiting&.push(ConnectionError.new("host refused the runtime (#{status_name(e.code)}): #{e.details}"))
      rescue StandardError => e
        waiting&.push(e)
        warn "stephost ruby runtime: reading from the host failed: #{e.class}: #{e.message}" unless waiting
      ensure
        shut
      end

      def welcome_of(message)
        return message.welcome if message.kind == :welcome

        ConnectionError.new("host answered Hello with #{message.kind}")
      end

      def dispatch(message)
        case message.kind
        when :invocation then @handler.on_invocation(message.invocation)
        when :reply
          slot = @lock.synchronize { @pending.delete(message.reply.call_id) }
          slot&.push(message.reply)
        when :heartbeat
          send_message(V1::RuntimeMessage.new(heartbeat: V1::Heartbeat.new(sent_unix_ms: Bridge.now_ms)))
        when :cancel then @handler.on_cancel(message.cancel.invocation_id)
        when :drain then @handler.on_drain
        end
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
