"""Internal: the only part of the SDK that touches generated Protobuf messages.

``connection`` speaks the stream to the host; ``errors`` converts Python
exceptions to the wire's ``StepError`` and back. Nothing here is public API.
"""
