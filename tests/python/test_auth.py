"""Login: the new-generation Authentication service, the legacy LoginCheck, and the
rule that every other call needs a Login on the same connection first."""

import grpc
import pytest

import openjet
from openjet._gen import authentication_service_pb2 as legacy_auth_pb2
from openjet._gen import authentication_service_pb2_grpc as legacy_auth_grpc
from openjet._gen import jnx_authentication_service_pb2 as auth_pb2
from openjet._gen import jnx_authentication_service_pb2_grpc as auth_grpc
from openjet._gen import jnx_common_base_types_pb2 as common_pb2


@pytest.fixture(params=["clear-text", "tls"])
def channel(request, jetd):
    ch = jetd.clear_channel() if request.param == "clear-text" else jetd.tls_channel()
    yield ch
    ch.close()


def test_login_succeeds(jetd, channel):
    response = openjet.login(channel, jetd.user, jetd.password, client_id="pytest-login")
    assert response.status.code == common_pb2.SUCCESS
    # The session is usable afterwards.
    assert "Hostname:" in openjet.op_command(channel, "show version")


def test_login_wrong_password_fails(jetd, channel):
    stub = auth_grpc.AuthenticationStub(channel)
    response = stub.Login(
        auth_pb2.LoginRequest(username=jetd.user, password="wrong", client_id="pytest-bad"),
        timeout=30,
    )
    assert response.status.code == common_pb2.FAILURE
    assert response.status.message
    with pytest.raises(openjet.LoginError):
        openjet.login(channel, jetd.user, "wrong", client_id="pytest-bad")


def test_login_unknown_user_fails(jetd, channel):
    with pytest.raises(openjet.LoginError) as info:
        openjet.login(channel, "nobody", jetd.password, client_id="pytest-bad")
    assert info.value.message


def test_failed_login_leaves_session_unauthenticated(jetd, channel):
    with pytest.raises(openjet.LoginError):
        openjet.login(channel, jetd.user, "wrong", client_id="pytest-bad")
    with pytest.raises(grpc.RpcError) as info:
        openjet.op_command(channel, "show version")
    assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_call_before_login_is_unauthenticated(jetd, channel):
    with pytest.raises(grpc.RpcError) as info:
        openjet.op_command(channel, "show version")
    assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_unary_call_before_login_is_unauthenticated(jetd, channel):
    with pytest.raises(grpc.RpcError) as info:
        openjet.config_set(channel, "system { host-name nope; }")
    assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_login_binds_to_the_connection_not_the_client(jetd):
    """A second channel (its own connection) is not logged in by the first one's Login."""
    first = jetd.logged_in(jetd.clear_channel())
    second = jetd.clear_channel()
    try:
        assert "Hostname:" in openjet.op_command(first, "show version")
        with pytest.raises(grpc.RpcError) as info:
            openjet.op_command(second, "show version")
        assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED
    finally:
        first.close()
        second.close()


def test_legacy_login_check(jetd, channel):
    stub = legacy_auth_grpc.LoginStub(channel)
    bad = stub.LoginCheck(
        legacy_auth_pb2.LoginRequest(user_name=jetd.user, password="wrong", client_id="legacy"),
        timeout=30,
    )
    assert bad.result is False
    good = stub.LoginCheck(
        legacy_auth_pb2.LoginRequest(user_name=jetd.user, password=jetd.password, client_id="legacy"),
        timeout=30,
    )
    assert good.result is True
    # LoginCheck authenticates the session like Login does.
    assert "Hostname:" in openjet.op_command(channel, "show version")
