# frozen_string_literal: true

require 'json'
require 'google/protobuf'
require 'stephost/invocation'
require 'stephost/types'
require 'stephost/v1/runtime_pb'

module Stephost
  # The runtime's side of the contract: the only code that touches the
  # generated Protobuf messages (this folder). It hands the runtime plain
  # values (Stephost::Invocation) and turns its results into messages.
  # Internal; step code never uses it.
  module Bridge
    CONTRACT_VERSION = V1::ContractVersion::CONTRACT_VERSION_CURRENT
    LANGUAGE = 'ruby'
    TRIGGERS = { TRIGGER_API: :api, TRIGGER_EVENT: :event, TRIGGER_CRON: :cron, TRIGGER_AUTH: :auth }.freeze

    module_function

    # An Invocation message as a plain Stephost::Invocation.
    def invocation(message)
      trace = message.trace
      traceparent = trace ? trace.traceparent : ''
      request = message.request
      Stephost::Invocation.new(
        message.id, message.step, TRIGGERS.fetch(message.trigger, :cron), message.payload, message.attempt,
        trace_id(traceparent), traceparent, trace ? trace.tracestate : '', message.deadline_unix_ms,
        message.topic, message.message_id, request && WireRequest.new(request),
        request && !request.auth.empty? ? Bridge.load(request.auth) : nil
      )
    end

    # The trace id of a W3C "00-<trace id>-<parent span id>-<flags>" traceparent.
    def trace_id(traceparent)
      parts = traceparent.to_s.split('-')
      parts.size == 4 ? parts[1] : ''
    end

    # An api handler's response, already checked ({'status', 'body', 'headers'}
    # with String header values), as the fields of an ApiResponse.
    def api_response(response)
      fields = { status: response['status'], body: dump(response['body']) }
      headers = response['headers']
      fields[:headers] = headers unless headers.empty?
      fields
    end

    # Hello with every loaded step's config and every file that failed.
    def hello(steps, failures, capacity, runtime_id)
      hello = V1::Hello.new(contract_version: CONTRACT_VERSION, language: LANGUAGE,
                            runtime_version: "#{RUBY_ENGINE} #{RUBY_VERSION}", pid: Process.pid,
                            runtime_id: runtime_id.to_s, capacity: capacity)
      steps.each do |step|
        hello.steps << V1::StepDefinition.new(name: step.name, file: step.file, config: step.config_json.b)
      end
      failures.each do |failure|
        error = V1::StepError.new(code: failure.code, message: utf8(failure.message), stack: utf8(failure.stack),
                                  language: LANGUAGE, type: 'LoadError')
        hello.load_errors << V1::LoadError.new(file: failure.file, error: error)
      end
      hello
    end

    # JSON bytes for a Protobuf `bytes` field (which must be binary). A message
    # of a generated class is written in its proto3 JSON form (also inside a
    # Hash or Array: google-protobuf gives messages a `to_json`).
    def dump(value)
      json = value.is_a?(Google::Protobuf::MessageExts) ? value.class.encode_json(value) : JSON.generate(value)
      json.force_encoding(Encoding::BINARY)
    end

    # A JSON `bytes` field as a Ruby value (Hashes with String keys); nil when empty.
    def load(bytes)
      bytes.nil? || bytes.empty? ? nil : JSON.parse(bytes)
    end

    # Valid UTF-8 for a Protobuf `string` field, whatever the text was.
    def utf8(text)
      text = text.to_s
      text = text.dup.force_encoding(Encoding::UTF_8) if text.encoding == Encoding::BINARY
      if text.encoding == Encoding::UTF_8
        text.valid_encoding? ? text : text.scrub
      else
        text.encode(Encoding::UTF_8, invalid: :replace, undef: :replace)
      end
    end

    def now_ms
      Process.clock_gettime(Process::CLOCK_REALTIME, :millisecond)
    end
  end
end


module Stephost
  module Bridge
    # The HTTP request an api handler gets, read from the ApiRequest message
    # part by part as the handler asks for it (Hashes with String keys; a
    # query parameter given once is a String, given more often an Array).
    # Google's Ruby protobuf makes every map and field read cost: a handler
    # that reads only the body pays for the body only.
    class WireRequest < Stephost::ApiRequest
      def initialize(wire) # rubocop:disable Lint/MissingSuper -- each part is read on demand
        @wire = wire
      end

      def body
        return @body if defined?(@body)

        @body = Bridge.load(@wire.body)
      end

      def path_params
        @path_params ||= @wire.path_params.to_h
      end

      def query_params
        @query_params ||= {}.tap do |query|
          @wire.query_params.each do |name, param|
            values = param.values
            query[name] = values.size == 1 ? values[0] : values.to_a
          end
        end
      end

      def headers
        @headers ||= @wire.headers.to_h
      end

      def method
        @method ||= @wire['method'] # `wire.method` would be Object#method
      end

      def path
        @path ||= @wire.path
      end
    end
  end
end
