# frozen_string_literal: true

require 'json'

module Stephost
  # The runtime's side of the contract: the only code that touches the
  # generated Protobuf messages. Internal; step code never uses it.
  module Bridge
    module_function

    # JSON bytes for a Protobuf `bytes` field (which must be binary).
    def dump(value)
      JSON.generate(value).force_encoding(Encoding::BINARY)
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
