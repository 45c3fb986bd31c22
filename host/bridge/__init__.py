"""The host's side of the wire, and the only host code that touches generated Protobuf.

Everything between the host and a runtime crosses here. The rest of the host sees
plain values (``host.model``, ``host.invocation``) and is served through two seams:

    gateway.py     the gRPC server runtimes dial (a Unix socket, mode 0600; for remote
                   runtimes, a TCP listener when configured, TLS optional); admits a
                   runtime by its key (or runtime token) and Hello, checks the contract
                   version
    admission.py   the tickets: which runtimes the host launched, what each may serve;
                   remote runtimes by their token
    connection.py  one runtime's stream: invocations out, outcomes back, in batches
    calls.py       a handler's calls into the host, decoded and answered by the
                   ``HostServices`` the host provides
    wire.py        messages to plain values and back
    fake.py        a runtime in this process, speaking the real frames (for tests)

``host.gen`` reads protobuf descriptors too, but of the user's contracts, not the wire.
"""

# Before gateway.py imports grpc: which of gRPC's I/O layers to use is read at import
# (stephost._bridge.grpc_io).
import stephost._bridge  # noqa: F401
