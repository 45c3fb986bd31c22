from stephost.v1 import error_pb2 as _error_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Trigger(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TRIGGER_UNSPECIFIED: _ClassVar[Trigger]
    TRIGGER_API: _ClassVar[Trigger]
    TRIGGER_EVENT: _ClassVar[Trigger]
    TRIGGER_CRON: _ClassVar[Trigger]
TRIGGER_UNSPECIFIED: Trigger
TRIGGER_API: Trigger
TRIGGER_EVENT: Trigger
TRIGGER_CRON: Trigger

class TraceContext(_message.Message):
    __slots__ = ("traceparent", "tracestate")
    TRACEPARENT_FIELD_NUMBER: _ClassVar[int]
    TRACESTATE_FIELD_NUMBER: _ClassVar[int]
    traceparent: str
    tracestate: str
    def __init__(self, traceparent: _Optional[str] = ..., tracestate: _Optional[str] = ...) -> None: ...

class Invocation(_message.Message):
    __slots__ = ("id", "step", "trigger", "payload", "attempt", "deadline_unix_ms", "trace", "topic", "message_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    TRACE_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    id: int
    step: str
    trigger: Trigger
    payload: bytes
    attempt: int
    deadline_unix_ms: int
    trace: TraceContext
    topic: str
    message_id: str
    def __init__(self, id: _Optional[int] = ..., step: _Optional[str] = ..., trigger: _Optional[_Union[Trigger, str]] = ..., payload: _Optional[bytes] = ..., attempt: _Optional[int] = ..., deadline_unix_ms: _Optional[int] = ..., trace: _Optional[_Union[TraceContext, _Mapping]] = ..., topic: _Optional[str] = ..., message_id: _Optional[str] = ...) -> None: ...

class InvocationResult(_message.Message):
    __slots__ = ("invocation_id", "output", "error")
    INVOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    invocation_id: int
    output: bytes
    error: _error_pb2.StepError
    def __init__(self, invocation_id: _Optional[int] = ..., output: _Optional[bytes] = ..., error: _Optional[_Union[_error_pb2.StepError, _Mapping]] = ...) -> None: ...

class Cancel(_message.Message):
    __slots__ = ("invocation_id", "reason")
    INVOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    invocation_id: int
    reason: str
    def __init__(self, invocation_id: _Optional[int] = ..., reason: _Optional[str] = ...) -> None: ...
