# frozen_string_literal: true

require 'json'
require 'google/protobuf'

module Stephost
  # The runtime's side of the contract: the only code that touches the
  # generated Protobuf messages. Internal; step code never uses it.
  module Bridge
    module_function

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
