# frozen_string_literal: true

module Stephost
  # One invocation as the runtime runs it: a plain value the bridge decodes from
  # the wire. `trigger` is :api, :event, :cron or :auth; `payload` is JSON (the event's
  # data, or null for cron); `deadline_ms` is when the host
  # stops waiting (Unix milliseconds, 0 for never); `request` is the
  # Stephost::ApiRequest of an api invocation (and of an auth step's, which checks
  # it; nil otherwise); `auth` is the principal the api step's `auth` accepted.
  # (Positional: a keyword_init Struct costs more to build, on every invocation.)
  Invocation = Struct.new(:id, :step, :trigger, :payload, :attempt, :trace_id, :traceparent, :tracestate,
                          :deadline_ms, :topic, :message_id, :request, :auth)
end
