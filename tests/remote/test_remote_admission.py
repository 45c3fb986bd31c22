"""The gateway's door for remote runtimes, on a real gRPC server: a runtime token
admits a Hello whose id is `<language>@<name>/<instance>`, once; anything else is refused."""

from __future__ import annotations

import asyncio
from pathlib import Path

import grpc
import pytest

from stephost.v1 import runtime_pb2, runtime_pb2_grpc
from stephost_host.admin_tokens import ROLES, TokenStore, allows
from stephost_host.bridge.admission import KEY_METADATA, Admission, AdmissionError
from stephost_host.bridge.gateway import Gateway, RemoteListener
from stephost_host.bridge.wire import runtime_info
from stephost_host.errors import ProjectError
from stephost_host.runtimes.pool import RuntimePool
from stephost_host.settings import load_settings
from tests.integration.test_gateway import NoCalls, dial, hello

pytestmark = pytest.mark.integration


def test_a_runtime_token_admits_a_remote_id_once(tmp_path: Path) -> None:
    tokens = TokenStore(tmp_path)
    _made, token = tokens.create("runtime")
    _made, admin = tokens.create("admin")

    async def go() -> None:
        pool = RuntimePool()
        gateway = Gateway(pool, NoCalls(), Admission(tokens))
        await gateway.start(f"unix:{tmp_path}/gw.sock", RemoteListener("127.0.0.1", 0))
        address = gateway.remote_address
        try:
            code, details = await dial(address, hello("python-1"), token)
            assert code == grpc.StatusCode.PERMISSION_DENIED
            assert "runtime's id is python@<name>/<instance>" in details
            code, details = await dial(address, hello("python@box/1"), admin)
            assert code == grpc.StatusCode.UNAUTHENTICATED
            assert "only a runtime token admits one" in details
            code, details = await dial(address, hello("python@box/1"), "sht_nope")
            assert code == grpc.StatusCode.UNAUTHENTICATED
            assert pool.connections == []
            # Admitted: the call stays open (until we end it); a second one is refused.
            async with grpc.aio.insecure_channel(address) as channel:
                stub = runtime_pb2_grpc.RuntimeServiceStub(channel)  # type: ignore[no-untyped-call]
                call = stub.Connect(metadata=((KEY_METADATA, token),))
                await call.write(runtime_pb2.RuntimeFrame(messages=[hello("python@box/1")]))
                welcome = await call.read()
                assert welcome.messages[0].WhichOneof("kind") == "welcome"
                (conn,) = pool.connections
                assert conn.where.startswith("box at 127.0.0.1:")
                code, details = await dial(address, hello("python@box/1"), token)
                assert code == grpc.StatusCode.ALREADY_EXISTS
                call.cancel()
        finally:
            await gateway.stop(0)

    asyncio.run(go())


def test_unreadable_tls_files_are_one_line_errors(tmp_path: Path) -> None:
    missing = RemoteListener("127.0.0.1", 0, tmp_path / "host.pem", tmp_path / "key.pem")
    with pytest.raises(ProjectError, match=r"cannot read gateway_tls_key .*key.pem: No such file"):
        missing.credentials()
    (tmp_path / "host.pem").write_text("not a certificate")
    (tmp_path / "key.pem").write_text("-----BEGIN PRIVATE KEY-----\n")
    with pytest.raises(ProjectError, match=r"gateway_tls_cert .*host.pem is not a PEM file"):
        missing.credentials()


def test_tls_settings_go_together(tmp_path: Path) -> None:
    (tmp_path / "stephost.toml").write_text('gateway_tls_cert = "host.pem"\n')
    with pytest.raises(ProjectError, match="gateway_tls_cert and gateway_tls_key go together"):
        load_settings(tmp_path)
    (tmp_path / "stephost.toml").write_text(
        'gateway_tls_cert = "tls/host.pem"\ngateway_tls_key = "tls/key.pem"\n'
    )
    settings = load_settings(tmp_path)  # paths are the project folder's
    assert settings.gateway_tls_cert == str(tmp_path / "tls" / "host.pem")
    assert RemoteListener.of(settings) is None  # no gateway_host: no TCP listener


def test_a_runtime_token_opens_nothing_on_the_admin_listener() -> None:
    assert not any(allows("runtime", needed) for needed in ROLES)


def test_a_remote_runtime_may_not_shadow_another_groups_step(tmp_path: Path) -> None:
    tokens = TokenStore(tmp_path)
    _made, token = tokens.create("runtime")
    admission = Admission(tokens)
    remote = admission.ticket(token)
    info = runtime_info(hello("python@box/1").hello)  # announces S0
    with pytest.raises(
        AdmissionError, match=r"another runtime group serves: S0 \(served by python\)"
    ):
        admission.admit(remote, info, {"S0": "python"})
    admitted = admission.admit(remote, info, {"S0": "python@box"})  # its own group's: fine
    assert admitted.group == "python@box"


def test_a_remote_runtime_may_not_take_the_step_of_a_group_that_is_away(tmp_path: Path) -> None:
    """The host's python group restarting (its runtime gone, not yet back) keeps its step
    names: a remote runtime announcing one is refused, as while the group is up."""
    from stephost_host.bridge.connection import RuntimeConnection

    pool = RuntimePool()

    async def come_and_go() -> None:
        info = runtime_info(hello("python-1").hello)
        local = RuntimeConnection(info, NoCalls(), pool.slot_free)
        pool.attach(local)
        pool.detach(local)  # kill -9 of the host's python runtime; the supervisor restarts it

    asyncio.run(come_and_go())
    assert pool.connections == []
    assert pool.served() == {"S0": "python"}
    tokens = TokenStore(tmp_path)
    _made, token = tokens.create("runtime")
    admission = Admission(tokens)
    info = runtime_info(hello("python@box/1").hello)  # announces S0 too
    with pytest.raises(
        AdmissionError, match=r"another runtime group serves: S0 \(served by python\)"
    ):
        admission.admit(admission.ticket(token), info, pool.served())
