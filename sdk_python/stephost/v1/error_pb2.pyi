from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class StepError(_message.Message):
    __slots__ = ("code", "message", "type", "stack", "language", "step", "retryable", "details", "cause")
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    STACK_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    RETRYABLE_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    CAUSE_FIELD_NUMBER: _ClassVar[int]
    code: str
    message: str
    type: str
    stack: str
    language: str
    step: str
    retryable: bool
    details: bytes
    cause: StepError
    def __init__(self, code: _Optional[str] = ..., message: _Optional[str] = ..., type: _Optional[str] = ..., stack: _Optional[str] = ..., language: _Optional[str] = ..., step: _Optional[str] = ..., retryable: _Optional[bool] = ..., details: _Optional[bytes] = ..., cause: _Optional[_Union[StepError, _Mapping]] = ...) -> None: ...
