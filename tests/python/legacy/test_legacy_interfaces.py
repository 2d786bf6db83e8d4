"""The older generation's dcd services (package `interface`) from Juniper's own stubs in a
child process, against a real jetd: an interface tree created and deleted level by level
(seen by `show interfaces` and as Direct routes), attribute, owner and public-unit
queries, the client timeout, and the documented failures with their ret_status."""

from __future__ import annotations

import sys
from pathlib import Path

import openjet

from juniper_legacy import LegacyClient  # noqa: F401  (fixtures in conftest)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "rib"))
from rib_helpers import configure_interface, routed_jetd  # noqa: E402,F401

CLIENT = "py-legacy-dcd"
UNIT = {"port_name": "ge-0/0/3", "ifl_unit": {"unit": 0}}
FAMILY = {**UNIT, "family": "INTF_AF_INET"}
ADDRESS = {**FAMILY, "interface_address": {"addr_string": "10.99.0.1/24"}}
ARP = {**ADDRESS, "arp_address": {"addr_string": "10.99.0.2"},
       "string_attr_list": [{"attr_name": "mac", "attr_value": "00:11:22:33:44:55"}]}


def dcd(app, method, **fields):
    return app("Dcd", method=method, fields=fields)


def op(dev, command):
    ch = dev.logged_in(dev.clear_channel(), client_id="py-dcd-show")
    try:
        return openjet.op_command(ch, command)
    finally:
        ch.close()


def test_an_interface_tree_is_created_queried_and_deleted(routed_jetd, legacy):
    app = legacy(routed_jetd, CLIENT)
    r = dcd(app, "InterfaceCreate", port_name="ge-0/0/3", client_ctx=7, request_id=9,
            integer_attr_list=[{"attr_name": "mtu", "attr_value": 1500}])
    assert (r["status"], r["error_message"], r["client_ctx"], r["request_id"]) == ("SUCCESS", "", 7, "9")
    for method, fields in [("InterfaceLogicalCreate", UNIT), ("InterfaceFamilyCreate", FAMILY),
                           ("InterfaceAddressCreate", ADDRESS), ("InterfaceRTAddressCreate", ARP)]:
        r = dcd(app, method, **fields)
        assert r["status"] == "SUCCESS", (method, r)
    terse = op(routed_jetd, "show interfaces terse")
    assert "10.99.0.1/24" in terse, terse
    route = app("RouteGet", prefix="10.99.0.0/24", match="EXACT")
    assert [x["prefix"] for x in route["routes"]] == ["10.99.0.0/24"], "a Direct route"

    q = dcd(app, "InterfacesQueryAttribute", port_name="ge-0/0/3",
            integer_attr_list=[{"attr_name": "mtu"}])
    assert q["status"] == "ATTRIBUTE_FOUND"
    assert q["integer_attr_list"] == [{"attr_name": "mtu", "attr_value": 1500}]
    q = dcd(app, "InterfacesQueryAttribute", port_name="ge-0/0/3",
            string_attr_list=[{"attr_name": "mac"}])
    assert q["status"] == "ATTRIBUTE_NOT_FOUND" and "mac" in q["error_message"]
    q = dcd(app, "InterfacesQueryAttribute", **{**UNIT, "ifl_unit": {"unit": 5}})
    assert q["status"] == "OBJECT_NOT_FOUND"

    assert dcd(app, "isObjectOwner", **UNIT)["status"] == "OWNER"
    assert dcd(app, "isObjectOwner", **ADDRESS)["status"] == "OWNER"
    other = legacy(routed_jetd, "py-legacy-dcd-other")
    r = dcd(other, "isObjectOwner", **UNIT)
    assert r["status"] == "NOT_OWNER" and CLIENT in r["error_message"]
    configured = {"port_name": "ge-0/0/0", "ifl_unit": {"unit": 0}}
    assert dcd(app, "isObjectOwner", **configured)["status"] == "OBJECT_CLI_OWNER"
    assert dcd(app, "isPublicIfl", **configured)["status"] == "SUCCESS"
    r = dcd(app, "isPublicIfl", **UNIT)
    assert r["status"] == "FAILURE" and CLIENT in r["error_message"]
    r = dcd(other, "InterfaceLogicalCreate", port_name="ge-0/0/3", ifl_unit={"unit": 1})
    assert r["status"] == "NOT_OWNER"

    for method, fields in [("InterfaceRTAddressDelete", ARP), ("InterfaceAddressDelete", ADDRESS),
                           ("InterfaceFamilyDelete", FAMILY), ("InterfaceLogicalDelete", UNIT),
                           ("InterfaceDelete", {"port_name": "ge-0/0/3"})]:
        r = dcd(app, method, **fields)
        assert r["status"] == "SUCCESS", (method, r)
    assert "10.99.0.1/24" not in op(routed_jetd, "show interfaces terse")
    r = dcd(app, "InterfaceLogicalDelete", **UNIT)
    assert r["status"] == "OBJECT_NOT_FOUND"
    assert dcd(app, "isObjectOwner", **UNIT)["status"] == "OBJECT_NOT_FOUND"


def test_documented_failures_carry_their_ret_status_and_name_the_field(routed_jetd, legacy):
    app = legacy(routed_jetd, CLIENT)
    r = dcd(app, "InterfaceCreate")
    assert r["status"] == "NO_PORT_NAME" and "port_name" in r["error_message"]
    r = dcd(app, "InterfaceLogicalCreate", port_name="ge-0/0/3")
    assert r["status"] == "NO_IFL_UNIT" and "ifl_unit" in r["error_message"]
    r = dcd(app, "InterfaceFamilyCreate", **UNIT)
    assert r["status"] == "NO_IFF_FAMILY"
    r = dcd(app, "InterfaceFamilyCreate", **{**UNIT, "family": 5})
    assert r["status"] == "FAILURE" and "family 5" in r["error_message"]
    r = dcd(app, "InterfaceAddressCreate", **FAMILY)
    assert r["status"] == "NO_IP_ADDR" and "interface_address" in r["error_message"]
    r = dcd(app, "InterfaceAddressCreate", **{**FAMILY, "interface_address": {"addr_string": "bogus"}})
    assert r["status"] == "FAILURE" and "bogus" in r["error_message"]
    r = dcd(app, "InterfaceRTAddressCreate", **ADDRESS)
    assert r["status"] == "NO_ARP_ADDR" and "arp_address" in r["error_message"]
    r = dcd(app, "InterfaceLogicalCreate", **{**UNIT, "bd_name": "vlan-100"})
    assert r["status"] == "FAILURE" and "bd_name" in r["error_message"]
    r = dcd(app, "InterfaceCreate", port_name="ge-0/0/3",
            integer_attr_list=[{"attr_name": "mtu", "attr_value": -5}])
    assert r["status"] == "FAILURE" and "mtu -5" in r["error_message"]

    assert dcd(app, "InterfaceLogicalCreate", **UNIT)["status"] == "SUCCESS"
    assert dcd(app, "InterfaceFamilyCreate", **FAMILY)["status"] == "SUCCESS"
    assert dcd(app, "InterfaceAddressCreate", **ADDRESS)["status"] == "SUCCESS"
    r = dcd(app, "InterfaceRTAddressCreate", **{**ARP, "string_attr_list": []})
    assert r["status"] == "NO_ARP_MAC"
    r = dcd(app, "InterfaceLogicalCreate", **UNIT)
    assert r["status"] == "FAILURE" and r["error_message"], "an existing object"
    r = dcd(app, "InterfaceDelete", port_name="ge-0/0/7")
    assert r["status"] == "OBJECT_NOT_FOUND"


def test_client_timeout_sets_the_purge_time(routed_jetd, legacy):
    app = legacy(routed_jetd, CLIENT)
    assert dcd(app, "setClientTimeout", timeout=30) == {"status": "SUCCESS", "error_message": ""}
    r = dcd(app, "setClientTimeout", timeout=-1)
    assert r["status"] == "FAILURE" and "timeout -1" in r["error_message"]
