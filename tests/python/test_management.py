"""Management: OpCommandGet in its three formats, XML RPCs, ConfigSet, the legacy
ManagementRpcApi, and UNIMPLEMENTED for services the device does not serve yet."""

import json
import xml.etree.ElementTree as ET

import grpc
import pytest

import openjet
from openjet._gen import jnx_common_base_types_pb2 as common_pb2
from openjet._gen import jnx_management_service_pb2 as mgmt_pb2
from openjet._gen import jnx_management_service_pb2_grpc as mgmt_grpc
from openjet._gen import management_service_pb2 as legacy_mgmt_pb2
from openjet._gen import management_service_pb2_grpc as legacy_mgmt_grpc


@pytest.fixture(scope="module")
def session(jetd):
    ch = jetd.logged_in(jetd.tls_channel(), client_id="pytest-mgmt")
    yield ch
    ch.close()


def json_host_name(text: str) -> str:
    return json.loads(text)["software-information"][0]["host-name"][0]["data"]


def test_show_version_cli(session, jetd):
    out = openjet.op_command(session, "show version", fmt="text")
    assert f"Hostname: {jetd.host_name}" in out.splitlines()


def test_show_version_xml(session, jetd):
    out = openjet.op_command(session, "show version", fmt="xml")
    assert "<software-information>" in out
    root = ET.fromstring(out.strip())
    info = root if root.tag == "software-information" else root.find(".//software-information")
    assert info is not None
    assert info.findtext("host-name") == jetd.host_name


def test_show_version_json(session, jetd):
    out = openjet.op_command(session, "show version", fmt="json")
    assert json_host_name(out) == jetd.host_name


def test_default_format_is_json(session, jetd):
    """OpCommandOutputFormat's zero value is JSON in the new-generation IDL."""
    stub = mgmt_grpc.ManagementStub(session)
    responses = list(stub.OpCommandGet(mgmt_pb2.OpCommandGetRequest(cli_command="show version"), timeout=30))
    assert all(r.status.code == common_pb2.SUCCESS for r in responses)
    assert json_host_name("".join(r.data for r in responses)) == jetd.host_name


def test_xml_command_software_information(session, jetd):
    out = openjet.op_command(session, "<get-software-information/>", fmt="xml")
    assert "<software-information>" in out
    assert f"<host-name>{jetd.host_name}</host-name>" in out


def test_xml_command_system_uptime(session):
    out = openjet.op_command(session, "<get-system-uptime-information/>", fmt="xml")
    assert "system-uptime-information" in out
    ET.fromstring(out.strip())  # well-formed


def test_show_system_uptime_cli(session):
    out = openjet.op_command(session, "show system uptime", fmt="text")
    assert out.strip()


def test_show_configuration(session, jetd):
    out = openjet.op_command(session, "show configuration system host-name", fmt="text")
    assert jetd.host_name in out


def test_unknown_command_fails(session):
    with pytest.raises(openjet.JetError) as info:
        openjet.op_command(session, "show no-such-thing", fmt="text")
    assert info.value.message


def test_config_set_merge_changes_host_name(fresh_jetd):
    ch = fresh_jetd.logged_in(fresh_jetd.clear_channel())
    try:
        response = openjet.config_set(ch, "system { host-name newname; }", load_type="merge")
        assert response.status.code == common_pb2.SUCCESS
        assert "Hostname: newname" in openjet.op_command(ch, "show version").splitlines()
        assert json_host_name(openjet.op_command(ch, "show version", fmt="json")) == "newname"
        # The rest of the configuration was merged into, not replaced: we can still log in.
        other = fresh_jetd.logged_in(fresh_jetd.clear_channel())
        other.close()
    finally:
        ch.close()


def test_config_set_set_commands(fresh_jetd):
    ch = fresh_jetd.logged_in(fresh_jetd.clear_channel())
    try:
        openjet.config_set(ch, "set system host-name from-set", load_type="set")
        assert "Hostname: from-set" in openjet.op_command(ch, "show version").splitlines()
    finally:
        ch.close()


@pytest.mark.parametrize(
    "bad_config",
    ["system { host-name; }", "system { bogus 1; }", "system { host-name x; "],
    ids=["missing-value", "unknown-statement", "unbalanced-braces"],
)
def test_config_set_bad_config_fails_and_changes_nothing(fresh_jetd, bad_config):
    ch = fresh_jetd.logged_in(fresh_jetd.clear_channel())
    try:
        before = openjet.op_command(ch, "show configuration", fmt="text")
        stub = mgmt_grpc.ManagementStub(ch)
        response = stub.ConfigSet(
            mgmt_pb2.ConfigSetRequest(text_config=bad_config, load_type=mgmt_pb2.CONFIG_LOAD_MERGE),
            timeout=30,
        )
        assert response.status.code == common_pb2.FAILURE
        assert response.status.message.strip()
        with pytest.raises(openjet.JetError):
            openjet.config_set(ch, bad_config)
        assert openjet.op_command(ch, "show configuration", fmt="text") == before
        assert f"Hostname: {fresh_jetd.host_name}" in openjet.op_command(ch, "show version").splitlines()
    finally:
        ch.close()


def test_legacy_execute_op_command(session, jetd):
    stub = legacy_mgmt_grpc.ManagementRpcApiStub(session)
    request = legacy_mgmt_pb2.ExecuteOpCommandRequest(
        request_id=42, cli_command="show version", out_format=legacy_mgmt_pb2.OPERATION_FORMAT_CLI
    )
    responses = list(stub.ExecuteOpCommand(request, timeout=30))
    assert responses
    assert all(r.request_id == 42 for r in responses)
    assert all(r.status == legacy_mgmt_pb2.SUCCESS for r in responses)
    assert f"Hostname: {jetd.host_name}" in "".join(r.data for r in responses)


def test_legacy_execute_cfg_command(fresh_jetd):
    ch = fresh_jetd.logged_in(fresh_jetd.clear_channel())
    try:
        stub = legacy_mgmt_grpc.ManagementRpcApiStub(ch)
        response = stub.ExecuteCfgCommand(
            legacy_mgmt_pb2.ExecuteCfgCommandRequest(
                request_id=7,
                text_config="system { host-name legacy-name; }",
                load_type=legacy_mgmt_pb2.CONFIG_LOAD_MERGE,  # 1 in the legacy IDL
                commit=legacy_mgmt_pb2.ConfigCommit(commit_type=legacy_mgmt_pb2.CONFIG_COMMIT),
            ),
            timeout=30,
        )
        assert response.request_id == 7
        assert response.status == legacy_mgmt_pb2.SUCCESS, response.message
        assert "Hostname: legacy-name" in openjet.op_command(ch, "show version").splitlines()
    finally:
        ch.close()


def test_unimplemented_service_after_login(session):
    # The older generation's MPLS API is described (reflection) but not served.
    call = session.unary_unary("/routing.MplsApi/LspPingGetRsvpInfo")
    with pytest.raises(grpc.RpcError) as info:
        call(b"", timeout=30)
    assert info.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert "/routing.MplsApi/LspPingGetRsvpInfo" in info.value.details()
