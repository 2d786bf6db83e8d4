"""mgd from Python: ConfigSet load types and errors, commit history, login-class
authorization, the ephemeral database, the legacy API and configuration sessions
(OpenJET's ConfigSession service), against a real jetd."""

import json

import grpc
import pytest

import openjet
from openjet._gen import jnx_common_base_types_pb2 as common_pb2
from openjet._gen import jnx_management_service_pb2 as mgmt_pb2
from openjet._gen import jnx_management_service_pb2_grpc as mgmt_grpc
from openjet._gen import management_service_pb2 as legacy_pb2
from openjet._gen import management_service_pb2_grpc as legacy_grpc

from .conftest import OPERATOR_PASSWORD, VIEWER_PASSWORD


def session(device, user="admin", password=None):
    ch = device.clear_channel()
    openjet.login(ch, user, password or device.password, f"pytest-{user}")
    return ch


def host_name(ch):
    return openjet.op_command(ch, "show configuration system host-name").strip()


def test_config_set_merge_then_set_commands_then_history(mgd_jetd):
    ch = session(mgd_jetd)
    openjet.config_set(ch, "system { host-name py-merged; }", comment="from python")
    assert host_name(ch) == "host-name py-merged;"
    openjet.config_set(ch, "set system host-name py-set\n", load_type="set")
    assert host_name(ch) == "host-name py-set;"
    history = openjet.op_command(ch, "show system commit").splitlines()
    assert history[0].startswith("0   ") and history[0].endswith("by admin via grpc")
    assert history[2] == "    from python"
    data = json.loads(openjet.op_command(ch, "show system commit", fmt="json"))
    entries = data["commit-information"][0]["commit-history"]
    assert entries[1]["log"][0]["data"] == "from python"


def test_rejected_configuration_is_a_failure_naming_path_and_statement(mgd_jetd):
    ch = session(mgd_jetd)
    with pytest.raises(openjet.JetError) as err:
        openjet.config_set(ch, "set system login user ghost uid 4000\n", load_type="set")
    assert "[edit system login user ghost]" in err.value.message
    assert "'class'" in err.value.message
    assert host_name(ch) == "host-name pytest-dev;"


def test_each_login_class_gets_what_it_may(mgd_jetd):
    viewer = session(mgd_jetd, "viewer", VIEWER_PASSWORD)
    assert "Hostname:" in openjet.op_command(viewer, "show version")
    with pytest.raises(openjet.JetError) as err:
        openjet.op_command(viewer, "request system reboot")
    assert "read-only" in err.value.message
    with pytest.raises(openjet.JetError) as err:
        openjet.config_set(viewer, "system { host-name nope; }")
    assert "permission denied" in err.value.message

    noc = session(mgd_jetd, "noc", OPERATOR_PASSWORD)
    assert openjet.op_command(noc, "show system uptime")
    with pytest.raises(openjet.JetError) as err:
        openjet.config_set(noc, "system { host-name nope; }")
    assert "class operator" in err.value.message

    admin = session(mgd_jetd)
    openjet.config_set(admin, "system { host-name allowed; }")
    assert host_name(admin) == "host-name allowed;"


def test_ephemeral_get_echoes_ids_and_set_refuses_paths_other_than_root(mgd_jetd):
    ch = session(mgd_jetd)
    stub = mgmt_grpc.ManagementStub(ch)
    reply = stub.EphemeralConfigGet(
        mgmt_pb2.EphemeralConfigGetRequest(
            config_requests=[mgmt_pb2.ConfigPathRequest(id="a", path="/")]
        )
    )
    assert reply.status.code == common_pb2.SUCCESS
    assert [r.id for r in reply.config_responses] == ["a"]
    assert "configuration" in json.loads(reply.config_responses[0].value)
    reply = stub.EphemeralConfigSet(
        mgmt_pb2.EphemeralConfigSetRequest(
            config_operations=[
                mgmt_pb2.EphemeralConfigSetRequest.ConfigOperation(
                    id="x", path="/system", json_config='{"system":{}}'
                )
            ]
        )
    )
    assert reply.status.code == common_pb2.FAILURE
    assert reply.operation_responses[0].id == "x"
    assert 'only "/" is accepted' in reply.operation_responses[0].status.message


def test_legacy_execute_cfg_command_echoes_request_id(mgd_jetd):
    ch = session(mgd_jetd)
    stub = legacy_grpc.ManagementRpcApiStub(ch)
    reply = stub.ExecuteCfgCommand(
        legacy_pb2.ExecuteCfgCommandRequest(
            request_id=41,
            text_config="system { host-name legacy-py; }",
            load_type=legacy_pb2.CONFIG_LOAD_MERGE,
        )
    )
    assert reply.request_id == 41
    assert reply.status == legacy_pb2.SUCCESS, reply.message
    assert host_name(ch) == "host-name legacy-py;"


def test_configuration_session_private_edit_compare_commit(mgd_jetd, cs_stubs):
    pb, pb_grpc = cs_stubs
    ch = session(mgd_jetd)
    cs = pb_grpc.ConfigSessionStub(ch)
    opened = cs.Open(pb.OpenRequest(mode=pb.CONFIG_MODE_PRIVATE))
    assert opened.ok and "Entering configuration mode" in opened.output

    def run(command, payload=""):
        return cs.Command(
            pb.CommandRequest(session_token=opened.session_token, command=command, payload=payload)
        )

    reply = run("edit system")
    assert list(reply.edit_path) == ["system"]
    assert run("set host-name py-session").ok
    diff = run("top").output + run("show | compare").output
    assert "[edit system]" in diff and "+  host-name py-session;" in diff
    reply = run("commit comment \"py\" and-quit")
    assert reply.ok and reply.exited, reply.error
    assert host_name(ch) == "host-name py-session;"


def test_exclusive_lock_is_released_when_its_connection_closes(mgd_jetd, cs_stubs):
    pb, pb_grpc = cs_stubs
    holder = session(mgd_jetd)
    other = session(mgd_jetd)
    opened = pb_grpc.ConfigSessionStub(holder).Open(pb.OpenRequest(mode=pb.CONFIG_MODE_EXCLUSIVE))
    assert opened.ok
    with pytest.raises(openjet.JetError) as err:
        openjet.config_set(other, "system { host-name blocked; }")
    assert "locked" in err.value.message
    holder.close()
    import time

    deadline = time.monotonic() + 10
    while True:
        try:
            openjet.config_set(other, "system { host-name unblocked; }")
            break
        except openjet.JetError:
            assert time.monotonic() < deadline, "lock never released"
            time.sleep(0.05)
    assert host_name(other) == "host-name unblocked;"
