from stephost.v1 import error_pb2 as _error_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Trigger(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TRIGGER_UNSPECIFIED: _ClassVar[Trigger]
    TRIGGER_API: _ClassVar[Trigger]
    TRIGGER_EVENT: _ClassVar[Trigger]
    TRIGGER_CRON: _ClassVar[Trigger]
    TRIGGER_AUTH: _ClassVar[Trigger]
TRIGGER_UNSPECIFIED: Trigger
TRIGGER_API: Trigger
TRIGGER_EVENT: Trigger
TRIGGER_CRON: Trigger
TRIGGER_AUTH: Trigger

class TraceContext(_message.Message):
    __slots__ = ("traceparent", "tracestate")
    TRACEPARENT_FIELD_NUMBER: _ClassVar[int]
    TRACESTATE_FIELD_NUMBER: _ClassVar[int]
    traceparent: str
    tracestate: str
    def __init__(self, traceparent: _Optional[str] = ..., tracestate: _Optional[str] = ...) -> None: ...

class ApiRequest(_message.Message):
    __slots__ = ("method", "path", "path_params", "query_params", "headers", "body", "auth")
    class PathParamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class QueryParamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: QueryValues
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[QueryValues, _Mapping]] = ...) -> None: ...
    class HeadersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    METHOD_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    PATH_PARAMS_FIELD_NUMBER: _ClassVar[int]
    QUERY_PARAMS_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    AUTH_FIELD_NUMBER: _ClassVar[int]
    method: str
    path: str
    path_params: _containers.ScalarMap[str, str]
    query_params: _containers.MessageMap[str, QueryValues]
    headers: _containers.ScalarMap[str, str]
    body: bytes
    auth: bytes
    def __init__(self, method: _Optional[str] = ..., path: _Optional[str] = ..., path_params: _Optional[_Mapping[str, str]] = ..., query_params: _Optional[_Mapping[str, QueryValues]] = ..., headers: _Optional[_Mapping[str, str]] = ..., body: _Optional[bytes] = ..., auth: _Optional[bytes] = ...) -> None: ...

class QueryValues(_message.Message):
    __slots__ = ("values",)
    VALUES_FIELD_NUMBER: _ClassVar[int]
    values: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, values: _Optional[_Iterable[str]] = ...) -> None: ...

class ApiResponse(_message.Message):
    __slots__ = ("status", "headers", "body")
    class HeadersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    STATUS_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    status: int
    headers: _containers.ScalarMap[str, str]
    body: bytes
    def __init__(self, status: _Optional[int] = ..., headers: _Optional[_Mapping[str, str]] = ..., body: _Optional[bytes] = ...) -> None: ...

class Invocation(_message.Message):
    __slots__ = ("id", "step", "trigger", "payload", "request", "attempt", "deadline_unix_ms", "trace", "topic", "message_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    TRACE_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    id: int
    step: str
    trigger: Trigger
    payload: bytes
    request: ApiRequest
    attempt: int
    deadline_unix_ms: int
    trace: TraceContext
    topic: str
    message_id: str
    def __init__(self, id: _Optional[int] = ..., step: _Optional[str] = ..., trigger: _Optional[_Union[Trigger, str]] = ..., payload: _Optional[bytes] = ..., request: _Optional[_Union[ApiRequest, _Mapping]] = ..., attempt: _Optional[int] = ..., deadline_unix_ms: _Optional[int] = ..., trace: _Optional[_Union[TraceContext, _Mapping]] = ..., topic: _Optional[str] = ..., message_id: _Optional[str] = ...) -> None: ...

class InvocationResult(_message.Message):
    __slots__ = ("invocation_id", "output", "error", "response")
    INVOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FIELD_NUMBER: _ClassVar[int]
    invocation_id: int
    output: bytes
    error: _error_pb2.StepError
    response: ApiResponse
    def __init__(self, invocation_id: _Optional[int] = ..., output: _Optional[bytes] = ..., error: _Optional[_Union[_error_pb2.StepError, _Mapping]] = ..., response: _Optional[_Union[ApiResponse, _Mapping]] = ...) -> None: ...

class Cancel(_message.Message):
    __slots__ = ("invocation_id", "reason")
    INVOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    invocation_id: int
    reason: str
    def __init__(self, invocation_id: _Optional[int] = ..., reason: _Optional[str] = ...) -> None: ...
