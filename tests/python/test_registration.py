"""Registration from Python: a small grpcio server (the app, its own API `acme.v1.Echo`,
messages as raw bytes) registers itself with jetd, and another client calls it through
jsd's port: unary and server streaming, metadata, the app's own errors, jsd's Login in
front, a target that is down, malformed registration JSON; VersionDiscovery lists the
registered service. Also FlexibleTunnel from stubs of our protos."""

from concurrent import futures

import grpc
import pytest

import openjet
from openjet._gen import jnx_common_base_types_pb2 as common_pb2
from openjet._gen import jnx_registration_service_pb2 as reg_pb2
from openjet._gen import jnx_registration_service_pb2_grpc as reg_grpc
from openjet._gen import jnx_routing_base_types_pb2 as base_types_pb2
from openjet._gen import jnx_common_addr_types_pb2 as addr_pb2
from openjet._gen import jnx_routing_flexible_tunnel_profile_pb2 as ftp_pb2
from openjet._gen import jnx_routing_flexible_tunnel_service_pb2 as ft_pb2
from openjet._gen import jnx_routing_flexible_tunnel_service_pb2_grpc as ft_grpc
from openjet._gen import jnx_version_service_pb2 as vd_pb2
from openjet._gen import jnx_version_service_pb2_grpc as vd_grpc

from jetd_harness import free_port


def start_app(port: int = 0):
    """The app: `acme.v1.Echo` with Say (unary) and Watch (server streaming), raw bytes."""
    calls = []

    def say(request: bytes, context):
        calls.append("Say")
        if request == b"fail":
            context.abort(grpc.StatusCode.NOT_FOUND, "no such greeting")
        trace = dict(context.invocation_metadata()).get("x-trace", "")
        context.set_trailing_metadata((("x-seen", trace),))
        return b"echo:" + request

    def watch(request: bytes, context):
        calls.append("Watch")
        for i in range(1, 4):
            yield request + b"-%d" % i

    handler = grpc.method_handlers_generic_handler(
        "acme.v1.Echo",
        {
            "Say": grpc.unary_unary_rpc_method_handler(say),
            "Watch": grpc.unary_stream_rpc_method_handler(watch),
        },
    )
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port(f"127.0.0.1:{port}")
    server.start()
    return server, port, calls


API = openjet.api_json({"acme.v1.Echo": ["Say", ("Watch", "server")]}, versions={"acme.v1.Echo": "1.0.3"})


def test_a_python_app_registers_and_is_called_through_jsd(fresh_jetd):
    server, port, calls = start_app()
    try:
        app_ch = fresh_jetd.logged_in(fresh_jetd.clear_channel(), client_id="echo-app")
        openjet.register_api(app_ch, "echo", f"127.0.0.1:{port}", API)
        assert (fresh_jetd.data_dir / "japi" / "echo.json").is_file()

        user = fresh_jetd.logged_in(fresh_jetd.clear_channel(), client_id="caller")
        say = user.unary_unary("/acme.v1.Echo/Say")
        reply, call = say.with_call(b"hi", metadata=(("x-trace", "t-7"),), timeout=30)
        assert reply == b"echo:hi"
        assert dict(call.trailing_metadata()).get("x-seen") == "t-7"
        assert list(user.unary_stream("/acme.v1.Echo/Watch")(b"w", timeout=30)) == [b"w-1", b"w-2", b"w-3"]
        with pytest.raises(grpc.RpcError) as e:
            say(b"fail", timeout=30)
        assert e.value.code() == grpc.StatusCode.NOT_FOUND
        assert e.value.details() == "no such greeting"
        assert calls == ["Say", "Watch", "Say"]

        # Without Login: jsd refuses; the app never sees the call.
        anon = fresh_jetd.clear_channel()
        with pytest.raises(grpc.RpcError) as e:
            anon.unary_unary("/acme.v1.Echo/Say")(b"x", timeout=30)
        assert e.value.code() == grpc.StatusCode.UNAUTHENTICATED
        assert len(calls) == 3

        vd = vd_grpc.VersionDiscoveryStub(user)
        assert "acme::v1::Echo" in vd.ServiceListGet(vd_pb2.ServiceListRequest(), timeout=30).service_name
        v = vd.ServiceVersionGet(vd_pb2.ServiceVersionRequest(rpc_name="acme::v1::Echo::Watch"), timeout=30)
        assert (v.major, v.minor, v.patch) == (1, 0, 3)
        for ch in (app_ch, user, anon):
            ch.close()
    finally:
        server.stop(0)


def test_bad_registrations_and_a_target_that_is_down(fresh_jetd):
    ch = fresh_jetd.logged_in(fresh_jetd.clear_channel(), client_id="reg")
    stub = reg_grpc.RegistrationStub(ch)
    r = stub.ApiRegister(
        reg_pb2.ApiRegisterRequest(json_string='{"services":[{"name":"acme.v1.X","rpcs":[{"name":"A","sream":1}]}]}',
                                   target="127.0.0.1:1", id="x"),
        timeout=30,
    )
    assert r.status.code == common_pb2.FAILURE
    assert "services[0].rpcs[0].sream" in r.status.message
    with pytest.raises(openjet.JetError) as e:
        openjet.register_api(ch, "x", "unix:relative.sock", API)
    assert "target" in e.value.message

    down = free_port()
    openjet.register_api(ch, "late", f"127.0.0.1:{down}", API)
    with pytest.raises(grpc.RpcError) as e:
        ch.unary_unary("/acme.v1.Echo/Say")(b"x", timeout=30)
    assert e.value.code() == grpc.StatusCode.UNAVAILABLE
    assert f"127.0.0.1:{down}" in e.value.details()
    ch.close()


def net(addr: str):
    return base_types_pb2.NetworkAddress(inet=addr_pb2.IpAddress(addr_string=addr))


def test_flexible_tunnel_profiles_from_python(fresh_jetd):
    ch = fresh_jetd.logged_in(fresh_jetd.clear_channel(), client_id="py-ft")
    stub = ft_grpc.FlexibleTunnelStub(ch)
    vx = ftp_pb2.VxlanTunnelAttributes(
        vni=10, source_prefix=net("192.0.2.1"), source_prefix_len=32,
        source_udp_port_range=common_pb2.NumericRange(min=49152, max=65535),
        destination_address=net("198.51.100.1"), destination_udp_port=4789,
    )
    prof = ftp_pb2.FlexibleTunnelProfile(name="vx10", action=ftp_pb2.ENCAPSULATE, interface_name="fti0.1",
                                         attributes=ftp_pb2.TunnelAttributes(vxlan=vx))
    r = stub.FlexibleTunnelAdd(ft_pb2.FlexibleTunnelAddRequest(tunnel_profiles=[prof]), timeout=30)
    assert r.status.code == common_pb2.SUCCESS and r.operations_completed == 1
    r = stub.FlexibleTunnelAdd(ft_pb2.FlexibleTunnelAddRequest(tunnel_profiles=[prof]), timeout=30)
    assert r.sub_code == ft_pb2.FlexibleTunnelAddResponse.ALREADY_EXISTS
    g = stub.FlexibleTunnelGet(ft_pb2.FlexibleTunnelGetRequest(tunnel_profile_name="vx10"), timeout=30)
    assert g.tunnel_profile.attributes.vxlan.vni == 10
    assert "vx10" in openjet.op_command(ch, "show flexible-tunnels profiles")
    d = stub.FlexibleTunnelDelete(ft_pb2.FlexibleTunnelDeleteRequest(tunnel_profile_names=["vx10", "vx10"]), timeout=30)
    assert d.sub_code == ft_pb2.FlexibleTunnelDeleteResponse.NOT_FOUND and d.operations_completed == 1
    ch.close()
