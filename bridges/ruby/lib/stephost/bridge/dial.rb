# frozen_string_literal: true

require 'grpc'

module Stephost
  module Bridge
    # How the runtime reaches the host: the channel (plain, or TLS) and the retries.
    #
    # Read from the environment the host (or `stephost runtime --connect`) gives it:
    # STEPHOST_TLS_CA (a PEM file of the certificates to trust: dial over TLS),
    # STEPHOST_TLS (`1`: TLS, trusting the system's certificates),
    # STEPHOST_TLS_SERVER_NAME (the name the host's certificate must carry; default
    # the address's host), STEPHOST_CONNECT_TIMEOUT_S (how long to keep dialing a
    # host that does not answer; default: until the process that started us is
    # gone). The same settings and backoff as the Python runtime's
    # stephost/_bridge/dial.py.
    class Dial
      # Seconds between tries; the last one repeats.
      BACKOFF_S = [0.1, 0.2, 0.5, 1.0, 2.0, 5.0].freeze

      attr_reader :address, :timeout_s

      # An ArgumentError says which setting is wrong.
      def self.from_env(address, env = ENV)
        ca_file = env.fetch('STEPHOST_TLS_CA', '')
        ca = nil
        unless ca_file.empty?
          begin
            ca = File.read(ca_file)
          rescue SystemCallError => e
            raise ArgumentError, "cannot read STEPHOST_TLS_CA #{ca_file}: #{e.message}"
          end
        end
        raw = env.fetch('STEPHOST_CONNECT_TIMEOUT_S', '')
        raw = '0' if raw.empty?
        timeout = Float(raw, exception: false)
        raise ArgumentError, "STEPHOST_CONNECT_TIMEOUT_S must be a number of seconds, got #{raw.inspect}" unless timeout

        tls = !ca.nil? || %w[1 true].include?(env.fetch('STEPHOST_TLS', ''))
        new(address, tls: tls, ca: ca, server_name: env.fetch('STEPHOST_TLS_SERVER_NAME', ''), timeout_s: timeout)
      end

      def initialize(address, tls: false, ca: nil, server_name: '', timeout_s: 0)
        @address = address
        @tls = tls
        @ca = ca
        @server_name = server_name
        @timeout_s = timeout_s
      end

      # The credentials and channel args to dial with.
      def channel(channel_args)
        return [:this_channel_is_insecure, channel_args] unless @tls

        args = @server_name.empty? ? channel_args : channel_args.merge('grpc.ssl_target_name_override' => @server_name)
        [@ca ? GRPC::Core::ChannelCredentials.new(@ca) : GRPC::Core::ChannelCredentials.new, args]
      end
    end

    # When to dial again: the next wait, or nil once giving up (the time limit
    # passed, or the process that started the runtime is gone).
    class Retry
      def initialize(timeout_s)
        @deadline = timeout_s.positive? ? now + timeout_s : nil
        @parent = Process.ppid
        @tries = 0
      end

      def next_wait
        return nil if @deadline && now >= @deadline
        return nil if Process.ppid != @parent

        wait = Dial::BACKOFF_S[[@tries, Dial::BACKOFF_S.length - 1].min]
        @tries += 1
        wait
      end

      private

      def now
        Process.clock_gettime(Process::CLOCK_MONOTONIC)
      end
    end
  end
end
