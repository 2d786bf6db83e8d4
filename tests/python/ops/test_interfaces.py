"""show interfaces, simulated links, pipes and the syslog through grpcio."""

import json
import time
import xml.etree.ElementTree as ET

import pytest

import openjet


def test_terse_shows_configured_addresses(ops):
    out = openjet.op_command(ops, "show interfaces terse", fmt="text")
    lines = out.splitlines()
    assert lines[0] == "Interface               Admin Link Proto    Local                 Remote"
    assert "ge-0/0/0.0              up    up   inet     192.0.2.1/24" in lines
    assert "lo0.0                   up    up   inet     10.255.0.1          --> 0/0" in lines


def test_terse_json_follows_junos_layout(ops):
    out = openjet.op_command(ops, "show interfaces terse ge-0/0/0", fmt="json")
    info = json.loads(out)["interface-information"][0]
    assert info["attributes"]["junos:style"] == "terse"
    ifl = info["physical-interface"][0]["logical-interface"][0]
    assert ifl["name"][0]["data"] == "ge-0/0/0.0"
    address = ifl["address-family"][0]["interface-address"][0]["ifa-local"][0]
    assert address == {"data": "192.0.2.1/24", "attributes": {"junos:emit": "emit"}}


def test_xml_rpc_gives_normal_style_with_indexes(ops):
    out = openjet.op_command(
        ops,
        "<get-interface-information><interface-name>ge-0/0/0</interface-name></get-interface-information>",
        fmt="xml",
    )
    root = ET.fromstring(out)
    ns = {"i": root[0].tag.split("}")[0].strip("{")}
    phy = root.find(".//i:physical-interface", ns)
    assert phy is not None
    assert phy.findtext("i:name", namespaces=ns) == "ge-0/0/0"
    assert phy.findtext("i:snmp-index", namespaces=ns) == "513"
    assert phy.findtext("i:description", namespaces=ns) == "to r2"
    local = root.find(".//i:interface-address/i:ifa-local", ns)
    assert local is not None and local.text == "192.0.2.1"


def test_unknown_interface_fails_like_junos(ops):
    with pytest.raises(openjet.JetError) as info:
        openjet.op_command(ops, "show interfaces ge-0/0/42", fmt="text")
    assert "error: device ge-0/0/42 not found" in str(info.value)


def test_simulated_link_down_is_shown_and_logged(ops):
    openjet.op_command(ops, "request interface simulate-link ge-0/0/7 down")
    try:
        terse = openjet.op_command(ops, "show interfaces terse ge-0/0/7")
        assert "ge-0/0/7                up    down" in terse.splitlines()
        normal = openjet.op_command(ops, "show interfaces ge-0/0/7")
        assert normal.startswith("Physical interface: ge-0/0/7, Enabled, Physical link is Down\n")
        deadline = time.monotonic() + 10
        while True:
            log = openjet.op_command(ops, "show log messages | match SNMP_TRAP_LINK_DOWN")
            if "ifName ge-0/0/7" in log:
                break
            assert time.monotonic() < deadline, f"no link trap logged:\n{log}"
            time.sleep(0.05)
    finally:
        openjet.op_command(ops, "request interface simulate-link ge-0/0/7 up")
    terse = openjet.op_command(ops, "show interfaces terse ge-0/0/7")
    assert "ge-0/0/7                up    up" in terse.splitlines()


def test_pipes_filter_server_side(ops):
    assert openjet.op_command(ops, "show interfaces terse | match GE-0/0/0 | count") == "Count: 2 lines\n"
    assert openjet.op_command(ops, 'show interfaces terse | match "^fxp0 |^lo0 "') == (
        "fxp0                    up    up\nlo0                     up    up\n"
    )
    assert openjet.op_command(ops, "show interfaces terse | last 1") == (
        "lo0.0                   up    up   inet     10.255.0.1          --> 0/0\n"
    )


def test_show_system_users_lists_this_session(ops):
    out = openjet.op_command(ops, "show system users")
    assert "USER     TTY      FROM                              LOGIN@  IDLE WHAT" in out
    assert any(line.startswith("admin ") and line.endswith("jet pytest-ops") for line in out.splitlines())
