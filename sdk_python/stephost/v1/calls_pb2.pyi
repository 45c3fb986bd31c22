from stephost.v1 import error_pb2 as _error_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class HostCall(_message.Message):
    __slots__ = ("call_id", "invocation_id", "emit", "state_get", "state_set", "state_delete", "state_list", "state_clear", "stream_set", "stream_delete", "stream_send", "log", "stream_get", "stream_list")
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    INVOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    EMIT_FIELD_NUMBER: _ClassVar[int]
    STATE_GET_FIELD_NUMBER: _ClassVar[int]
    STATE_SET_FIELD_NUMBER: _ClassVar[int]
    STATE_DELETE_FIELD_NUMBER: _ClassVar[int]
    STATE_LIST_FIELD_NUMBER: _ClassVar[int]
    STATE_CLEAR_FIELD_NUMBER: _ClassVar[int]
    STREAM_SET_FIELD_NUMBER: _ClassVar[int]
    STREAM_DELETE_FIELD_NUMBER: _ClassVar[int]
    STREAM_SEND_FIELD_NUMBER: _ClassVar[int]
    LOG_FIELD_NUMBER: _ClassVar[int]
    STREAM_GET_FIELD_NUMBER: _ClassVar[int]
    STREAM_LIST_FIELD_NUMBER: _ClassVar[int]
    call_id: int
    invocation_id: int
    emit: EmitRequest
    state_get: StateGetRequest
    state_set: StateSetRequest
    state_delete: StateDeleteRequest
    state_list: StateListRequest
    state_clear: StateClearRequest
    stream_set: StreamSetRequest
    stream_delete: StreamDeleteRequest
    stream_send: StreamSendRequest
    log: LogRecord
    stream_get: StreamGetRequest
    stream_list: StreamListRequest
    def __init__(self, call_id: _Optional[int] = ..., invocation_id: _Optional[int] = ..., emit: _Optional[_Union[EmitRequest, _Mapping]] = ..., state_get: _Optional[_Union[StateGetRequest, _Mapping]] = ..., state_set: _Optional[_Union[StateSetRequest, _Mapping]] = ..., state_delete: _Optional[_Union[StateDeleteRequest, _Mapping]] = ..., state_list: _Optional[_Union[StateListRequest, _Mapping]] = ..., state_clear: _Optional[_Union[StateClearRequest, _Mapping]] = ..., stream_set: _Optional[_Union[StreamSetRequest, _Mapping]] = ..., stream_delete: _Optional[_Union[StreamDeleteRequest, _Mapping]] = ..., stream_send: _Optional[_Union[StreamSendRequest, _Mapping]] = ..., log: _Optional[_Union[LogRecord, _Mapping]] = ..., stream_get: _Optional[_Union[StreamGetRequest, _Mapping]] = ..., stream_list: _Optional[_Union[StreamListRequest, _Mapping]] = ...) -> None: ...

class HostCallReply(_message.Message):
    __slots__ = ("call_id", "emit", "state_get", "state_set", "state_delete", "state_list", "state_clear", "stream_set", "stream_delete", "stream_send", "stream_get", "stream_list", "error")
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    EMIT_FIELD_NUMBER: _ClassVar[int]
    STATE_GET_FIELD_NUMBER: _ClassVar[int]
    STATE_SET_FIELD_NUMBER: _ClassVar[int]
    STATE_DELETE_FIELD_NUMBER: _ClassVar[int]
    STATE_LIST_FIELD_NUMBER: _ClassVar[int]
    STATE_CLEAR_FIELD_NUMBER: _ClassVar[int]
    STREAM_SET_FIELD_NUMBER: _ClassVar[int]
    STREAM_DELETE_FIELD_NUMBER: _ClassVar[int]
    STREAM_SEND_FIELD_NUMBER: _ClassVar[int]
    STREAM_GET_FIELD_NUMBER: _ClassVar[int]
    STREAM_LIST_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    call_id: int
    emit: EmitResponse
    state_get: StateGetResponse
    state_set: StateSetResponse
    state_delete: StateDeleteResponse
    state_list: StateListResponse
    state_clear: StateClearResponse
    stream_set: StreamSetResponse
    stream_delete: StreamDeleteResponse
    stream_send: StreamSendResponse
    stream_get: StreamGetResponse
    stream_list: StreamListResponse
    error: _error_pb2.StepError
    def __init__(self, call_id: _Optional[int] = ..., emit: _Optional[_Union[EmitResponse, _Mapping]] = ..., state_get: _Optional[_Union[StateGetResponse, _Mapping]] = ..., state_set: _Optional[_Union[StateSetResponse, _Mapping]] = ..., state_delete: _Optional[_Union[StateDeleteResponse, _Mapping]] = ..., state_list: _Optional[_Union[StateListResponse, _Mapping]] = ..., state_clear: _Optional[_Union[StateClearResponse, _Mapping]] = ..., stream_set: _Optional[_Union[StreamSetResponse, _Mapping]] = ..., stream_delete: _Optional[_Union[StreamDeleteResponse, _Mapping]] = ..., stream_send: _Optional[_Union[StreamSendResponse, _Mapping]] = ..., stream_get: _Optional[_Union[StreamGetResponse, _Mapping]] = ..., stream_list: _Optional[_Union[StreamListResponse, _Mapping]] = ..., error: _Optional[_Union[_error_pb2.StepError, _Mapping]] = ...) -> None: ...

class EmitRequest(_message.Message):
    __slots__ = ("topic", "data", "group_id", "idempotency_key", "delay_ms", "priority")
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    DELAY_MS_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    topic: str
    data: bytes
    group_id: str
    idempotency_key: str
    delay_ms: int
    priority: int
    def __init__(self, topic: _Optional[str] = ..., data: _Optional[bytes] = ..., group_id: _Optional[str] = ..., idempotency_key: _Optional[str] = ..., delay_ms: _Optional[int] = ..., priority: _Optional[int] = ...) -> None: ...

class EmitResponse(_message.Message):
    __slots__ = ("message_id", "duplicate")
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    duplicate: bool
    def __init__(self, message_id: _Optional[str] = ..., duplicate: _Optional[bool] = ...) -> None: ...

class StateGetRequest(_message.Message):
    __slots__ = ("group", "key")
    GROUP_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    group: str
    key: str
    def __init__(self, group: _Optional[str] = ..., key: _Optional[str] = ...) -> None: ...

class StateGetResponse(_message.Message):
    __slots__ = ("found", "value")
    FOUND_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    found: bool
    value: bytes
    def __init__(self, found: _Optional[bool] = ..., value: _Optional[bytes] = ...) -> None: ...

class StateSetRequest(_message.Message):
    __slots__ = ("group", "key", "value")
    GROUP_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    group: str
    key: str
    value: bytes
    def __init__(self, group: _Optional[str] = ..., key: _Optional[str] = ..., value: _Optional[bytes] = ...) -> None: ...

class StateSetResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class StateDeleteRequest(_message.Message):
    __slots__ = ("group", "key")
    GROUP_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    group: str
    key: str
    def __init__(self, group: _Optional[str] = ..., key: _Optional[str] = ...) -> None: ...

class StateDeleteResponse(_message.Message):
    __slots__ = ("deleted",)
    DELETED_FIELD_NUMBER: _ClassVar[int]
    deleted: bool
    def __init__(self, deleted: _Optional[bool] = ...) -> None: ...

class StateListRequest(_message.Message):
    __slots__ = ("group",)
    GROUP_FIELD_NUMBER: _ClassVar[int]
    group: str
    def __init__(self, group: _Optional[str] = ...) -> None: ...

class StateItem(_message.Message):
    __slots__ = ("key", "value")
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    key: str
    value: bytes
    def __init__(self, key: _Optional[str] = ..., value: _Optional[bytes] = ...) -> None: ...

class StateListResponse(_message.Message):
    __slots__ = ("items",)
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[StateItem]
    def __init__(self, items: _Optional[_Iterable[_Union[StateItem, _Mapping]]] = ...) -> None: ...

class StateClearRequest(_message.Message):
    __slots__ = ("group",)
    GROUP_FIELD_NUMBER: _ClassVar[int]
    group: str
    def __init__(self, group: _Optional[str] = ...) -> None: ...

class StateClearResponse(_message.Message):
    __slots__ = ("deleted",)
    DELETED_FIELD_NUMBER: _ClassVar[int]
    deleted: int
    def __init__(self, deleted: _Optional[int] = ...) -> None: ...

class StreamSetRequest(_message.Message):
    __slots__ = ("stream", "group", "id", "value")
    STREAM_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    stream: str
    group: str
    id: str
    value: bytes
    def __init__(self, stream: _Optional[str] = ..., group: _Optional[str] = ..., id: _Optional[str] = ..., value: _Optional[bytes] = ...) -> None: ...

class StreamSetResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class StreamDeleteRequest(_message.Message):
    __slots__ = ("stream", "group", "id")
    STREAM_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    stream: str
    group: str
    id: str
    def __init__(self, stream: _Optional[str] = ..., group: _Optional[str] = ..., id: _Optional[str] = ...) -> None: ...

class StreamDeleteResponse(_message.Message):
    __slots__ = ("deleted",)
    DELETED_FIELD_NUMBER: _ClassVar[int]
    deleted: bool
    def __init__(self, deleted: _Optional[bool] = ...) -> None: ...

class StreamSendRequest(_message.Message):
    __slots__ = ("stream", "group", "event", "id")
    STREAM_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    stream: str
    group: str
    event: bytes
    id: str
    def __init__(self, stream: _Optional[str] = ..., group: _Optional[str] = ..., event: _Optional[bytes] = ..., id: _Optional[str] = ...) -> None: ...

class StreamSendResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class StreamGetRequest(_message.Message):
    __slots__ = ("stream", "group", "id")
    STREAM_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    stream: str
    group: str
    id: str
    def __init__(self, stream: _Optional[str] = ..., group: _Optional[str] = ..., id: _Optional[str] = ...) -> None: ...

class StreamGetResponse(_message.Message):
    __slots__ = ("found", "value")
    FOUND_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    found: bool
    value: bytes
    def __init__(self, found: _Optional[bool] = ..., value: _Optional[bytes] = ...) -> None: ...

class StreamListRequest(_message.Message):
    __slots__ = ("stream", "group")
    STREAM_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    stream: str
    group: str
    def __init__(self, stream: _Optional[str] = ..., group: _Optional[str] = ...) -> None: ...

class StreamItem(_message.Message):
    __slots__ = ("id", "value")
    ID_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    id: str
    value: bytes
    def __init__(self, id: _Optional[str] = ..., value: _Optional[bytes] = ...) -> None: ...

class StreamListResponse(_message.Message):
    __slots__ = ("items",)
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[StreamItem]
    def __init__(self, items: _Optional[_Iterable[_Union[StreamItem, _Mapping]]] = ...) -> None: ...

class LogRecord(_message.Message):
    __slots__ = ("level", "message", "fields", "time_unix_ms")
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    TIME_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    level: str
    message: str
    fields: bytes
    time_unix_ms: int
    def __init__(self, level: _Optional[str] = ..., message: _Optional[str] = ..., fields: _Optional[bytes] = ..., time_unix_ms: _Optional[int] = ...) -> None: ...
