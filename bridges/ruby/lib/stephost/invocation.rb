# frozen_string_literal: true

module Stephost
  # One invocation as the runtime runs it: a plain value the bridge decodes from
  # the wire. `trigger` is :api, :event or :cron; `payload` is JSON (the event's
  # data, or null for cron); `deadline_ms` is when the host
  # stops waiting (Unix milliseconds, 0 for never); `request` is the
  # Stephost::ApiRequest of an api invocation (nil otherwise).
  # (Positional: a keyword_init Struct costs more to build, on every invocation.)
  Invocation = Struct.new(:id, :step, :trigger, :payload, :attempt, :trace_id, :traceparent, :tracestate,
                          :deadline_ms, :topic, :message_id, :request)
end
