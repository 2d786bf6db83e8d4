"""registration.Register (the older generation) from Juniper's own stubs: an app's API
registered through RegisterService is reached through jsd's port (the app is a grpcio
server in this process), the new generation's ApiRegister replaces it by id, and each
refusal is `result` false with `error` naming the field in that generation's words."""

from __future__ import annotations

from concurrent import futures

import grpc
import pytest

import openjet
from openjet._gen import jnx_common_base_types_pb2 as common_pb2
from openjet._gen import jnx_registration_service_pb2 as reg_pb2
from openjet._gen import jnx_registration_service_pb2_grpc as reg_grpc

from juniper_legacy import LegacyClient  # noqa: F401  (fixtures in conftest)

API = openjet.api_json({"acme.v1.Echo": ["Say"]})


@pytest.fixture
def echo_app():
    """A grpcio server with `acme.v1.Echo/Say` (raw bytes): yields (port, calls)."""
    calls = []

    def say(request: bytes, context):
        calls.append(request)
        return b"echo:" + request

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(
        "acme.v1.Echo", {"Say": grpc.unary_unary_rpc_method_handler(say)}),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield port, calls
    server.stop(0)


def register(app, **fields):
    return app("Rpc", method="RegisterService", fields=fields)


def test_registered_through_the_older_generation_and_reached_through_jsd(fresh_jetd, legacy, echo_app):
    port, calls = echo_app
    app = legacy(fresh_jetd, "py-legacy-reg")
    r = register(app, json_input=API, target=f"127.0.0.1:{port}", register_id="legacy-echo")
    assert r == {"result": True, "error": ""}
    assert (fresh_jetd.data_dir / "japi" / "legacy-echo.json").is_file()

    user = fresh_jetd.logged_in(fresh_jetd.clear_channel(), client_id="py-caller")
    try:
        assert user.unary_unary("/acme.v1.Echo/Say")(b"hi", timeout=30) == b"echo:hi"
        assert calls == [b"hi"]

        # The new generation's ApiRegister with the same id replaces it (down target now).
        s = reg_grpc.RegistrationStub(user).ApiRegister(
            reg_pb2.ApiRegisterRequest(json_string=API, target="127.0.0.1:1", id="legacy-echo"), timeout=30)
        assert s.status.code == common_pb2.SUCCESS, s.status.message
        with pytest.raises(grpc.RpcError) as e:
            user.unary_unary("/acme.v1.Echo/Say")(b"again", timeout=30)
        assert e.value.code() == grpc.StatusCode.UNAVAILABLE
        assert "127.0.0.1:1" in e.value.details()
        assert calls == [b"hi"]

        # file_input: the JSON from a file on the device, back to the app.
        path = fresh_jetd.data_dir / "legacy-api.json"
        path.write_text(API)
        r = register(app, file_input=str(path), target=f"127.0.0.1:{port}", register_id="legacy-echo")
        assert r["result"], r
        assert user.unary_unary("/acme.v1.Echo/Say")(b"file", timeout=30) == b"echo:file"
    finally:
        user.close()


REFUSALS = [
    ({"target": "127.0.0.1:1", "register_id": "a"}, "json_input / file_input: one of them must carry the API"),
    ({"json_input": "", "target": "127.0.0.1:1", "register_id": "a"}, "json_input: is empty"),
    ({"json_input": "{\"services\": [", "target": "127.0.0.1:1", "register_id": "a"}, "json: is not JSON"),
    ({"json_input": API, "target": "somewhere", "register_id": "a"}, "target: 'somewhere'"),
    ({"json_input": API, "target": "127.0.0.1:1", "register_id": "../a"}, "register_id: '../a' is not 1-64"),
    ({"json_input": API, "target": "127.0.0.1:1", "register_id": ""}, "register_id: '' is not 1-64"),
    ({"file_input": "relative.json", "target": "127.0.0.1:1", "register_id": "a"},
     "file_input: 'relative.json' is not an absolute path"),
    ({"file_input": "/nonexistent/api.json", "target": "127.0.0.1:1", "register_id": "a"},
     "file_input: cannot read '/nonexistent/api.json'"),
    ({"json_input": openjet.api_json({"routing.FlexibleTunnel": ["FlexibleTunnelGet"]}),
      "target": "127.0.0.1:1", "register_id": "a"}, "'routing.FlexibleTunnel' is already served by jsd"),
]


def test_each_refusal_names_the_field_and_registers_nothing(fresh_jetd, legacy):
    app = legacy(fresh_jetd, "py-legacy-reg-bad")
    for fields, want in REFUSALS:
        r = register(app, **fields)
        assert r["result"] is False, fields
        assert want in r["error"], (want, r["error"])
    assert not (fresh_jetd.data_dir / "japi").exists()


def test_reflection_describes_both_served_legacy_services(fresh_jetd):
    from google.protobuf import descriptor_pool
    from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
        ProtoReflectionDescriptorDatabase,
    )

    ch = fresh_jetd.clear_channel()
    try:
        db = ProtoReflectionDescriptorDatabase(ch)
        services = set(db.get_services())
        assert {"registration.Register", "routing.FlexibleTunnel"} <= services
        pool = descriptor_pool.DescriptorPool(db)
        add = pool.FindServiceByName("routing.FlexibleTunnel").FindMethodByName("FlexibleTunnelAdd")
        assert add.input_type.full_name == "routing.FlexibleTunnelAddRequest"
        reply = pool.FindMessageTypeByName("registration.RegisterReply")
        assert [(f.name, f.number) for f in reply.fields] == [("result", 1), ("error", 2)]
    finally:
        ch.close()
