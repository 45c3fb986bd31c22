from stephost.v1 import calls_pb2 as _calls_pb2
from stephost.v1 import error_pb2 as _error_pb2
from stephost.v1 import invocation_pb2 as _invocation_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ContractVersion(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONTRACT_VERSION_UNSPECIFIED: _ClassVar[ContractVersion]
    CONTRACT_VERSION_CURRENT: _ClassVar[ContractVersion]
CONTRACT_VERSION_UNSPECIFIED: ContractVersion
CONTRACT_VERSION_CURRENT: ContractVersion

class RuntimeFrame(_message.Message):
    __slots__ = ("messages",)
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[RuntimeMessage]
    def __init__(self, messages: _Optional[_Iterable[_Union[RuntimeMessage, _Mapping]]] = ...) -> None: ...

class RuntimeMessage(_message.Message):
    __slots__ = ("hello", "result", "call", "heartbeat", "drained")
    HELLO_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    CALL_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    DRAINED_FIELD_NUMBER: _ClassVar[int]
    hello: Hello
    result: _invocation_pb2.InvocationResult
    call: _calls_pb2.HostCall
    heartbeat: Heartbeat
    drained: Drained
    def __init__(self, hello: _Optional[_Union[Hello, _Mapping]] = ..., result: _Optional[_Union[_invocation_pb2.InvocationResult, _Mapping]] = ..., call: _Optional[_Union[_calls_pb2.HostCall, _Mapping]] = ..., heartbeat: _Optional[_Union[Heartbeat, _Mapping]] = ..., drained: _Optional[_Union[Drained, _Mapping]] = ...) -> None: ...

class HostFrame(_message.Message):
    __slots__ = ("messages",)
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[HostMessage]
    def __init__(self, messages: _Optional[_Iterable[_Union[HostMessage, _Mapping]]] = ...) -> None: ...

class HostMessage(_message.Message):
    __slots__ = ("welcome", "invocation", "reply", "heartbeat", "drain", "cancel")
    WELCOME_FIELD_NUMBER: _ClassVar[int]
    INVOCATION_FIELD_NUMBER: _ClassVar[int]
    REPLY_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    DRAIN_FIELD_NUMBER: _ClassVar[int]
    CANCEL_FIELD_NUMBER: _ClassVar[int]
    welcome: Welcome
    invocation: _invocation_pb2.Invocation
    reply: _calls_pb2.HostCallReply
    heartbeat: Heartbeat
    drain: Drain
    cancel: _invocation_pb2.Cancel
    def __init__(self, welcome: _Optional[_Union[Welcome, _Mapping]] = ..., invocation: _Optional[_Union[_invocation_pb2.Invocation, _Mapping]] = ..., reply: _Optional[_Union[_calls_pb2.HostCallReply, _Mapping]] = ..., heartbeat: _Optional[_Union[Heartbeat, _Mapping]] = ..., drain: _Optional[_Union[Drain, _Mapping]] = ..., cancel: _Optional[_Union[_invocation_pb2.Cancel, _Mapping]] = ...) -> None: ...

class Hello(_message.Message):
    __slots__ = ("contract_version", "language", "runtime_version", "pid", "runtime_id", "steps", "load_errors", "capacity", "streams")
    CONTRACT_VERSION_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    RUNTIME_VERSION_FIELD_NUMBER: _ClassVar[int]
    PID_FIELD_NUMBER: _ClassVar[int]
    RUNTIME_ID_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    LOAD_ERRORS_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    STREAMS_FIELD_NUMBER: _ClassVar[int]
    contract_version: int
    language: str
    runtime_version: str
    pid: int
    runtime_id: str
    steps: _containers.RepeatedCompositeFieldContainer[StepDefinition]
    load_errors: _containers.RepeatedCompositeFieldContainer[LoadError]
    capacity: int
    streams: _containers.RepeatedCompositeFieldContainer[StreamDefinition]
    def __init__(self, contract_version: _Optional[int] = ..., language: _Optional[str] = ..., runtime_version: _Optional[str] = ..., pid: _Optional[int] = ..., runtime_id: _Optional[str] = ..., steps: _Optional[_Iterable[_Union[StepDefinition, _Mapping]]] = ..., load_errors: _Optional[_Iterable[_Union[LoadError, _Mapping]]] = ..., capacity: _Optional[int] = ..., streams: _Optional[_Iterable[_Union[StreamDefinition, _Mapping]]] = ...) -> None: ...

class StepDefinition(_message.Message):
    __slots__ = ("name", "file", "config")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FILE_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    name: str
    file: str
    config: bytes
    def __init__(self, name: _Optional[str] = ..., file: _Optional[str] = ..., config: _Optional[bytes] = ...) -> None: ...

class StreamDefinition(_message.Message):
    __slots__ = ("name", "file", "config")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FILE_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    name: str
    file: str
    config: bytes
    def __init__(self, name: _Optional[str] = ..., file: _Optional[str] = ..., config: _Optional[bytes] = ...) -> None: ...

class LoadError(_message.Message):
    __slots__ = ("file", "error")
    FILE_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    file: str
    error: _error_pb2.StepError
    def __init__(self, file: _Optional[str] = ..., error: _Optional[_Union[_error_pb2.StepError, _Mapping]] = ...) -> None: ...

class Welcome(_message.Message):
    __slots__ = ("contract_version", "host_version", "heartbeat_interval_ms")
    CONTRACT_VERSION_FIELD_NUMBER: _ClassVar[int]
    HOST_VERSION_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_INTERVAL_MS_FIELD_NUMBER: _ClassVar[int]
    contract_version: int
    host_version: str
    heartbeat_interval_ms: int
    def __init__(self, contract_version: _Optional[int] = ..., host_version: _Optional[str] = ..., heartbeat_interval_ms: _Optional[int] = ...) -> None: ...

class Heartbeat(_message.Message):
    __slots__ = ("sent_unix_ms",)
    SENT_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    sent_unix_ms: int
    def __init__(self, sent_unix_ms: _Optional[int] = ...) -> None: ...

class Drain(_message.Message):
    __slots__ = ("grace_ms",)
    GRACE_MS_FIELD_NUMBER: _ClassVar[int]
    grace_ms: int
    def __init__(self, grace_ms: _Optional[int] = ...) -> None: ...

class Drained(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
