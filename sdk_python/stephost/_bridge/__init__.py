"""Internal: the only part of the SDK that touches generated Protobuf messages.

``connection`` speaks the stream to the host (and implements the context's
``HostLink``); ``wire`` turns messages into the runtime's plain values
(``stephost.invocation.Invocation``) and results into messages; ``errors`` converts
Python exceptions to the wire's ``StepError`` and back. Nothing here is public API.
"""

from stephost._bridge.grpc_io import import_grpc

import_grpc()  # before any module here imports grpc
