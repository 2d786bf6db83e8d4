"""routing.RoutingInterface (the older generation's routing-interface view) from Juniper's
own stubs in a child process, against a real jetd: initialization, get by name and index
with both address formats, the notification stream (confirmation, dump, changes, refresh)
and its documented failures, and state shared with jnx.jet.routing.interfaces."""

from __future__ import annotations

import sys
from pathlib import Path

import openjet
from openjet._gen import jnx_routing_interface_service_pb2 as rtif_pb2
from openjet._gen import jnx_routing_interface_service_pb2_grpc as rtif_grpc

from juniper_legacy import LegacyClient  # noqa: F401  (fixtures in conftest)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "rib"))
from rib_helpers import configure_interface, routed_jetd  # noqa: E402,F401

CLIENT = "py-legacy-rtif"


def test_initialize_and_get_by_name_and_index(routed_jetd, legacy):
    app = legacy(routed_jetd, CLIENT)
    r = app("RtIfGet", name="ge-0/0/0.0")
    assert (r["code"], r["sub"]) == ("FAILURE", "NOT_INITIALIZED")
    assert "RoutingInterfaceInitialize" in r["message"]
    assert app("RtIfInit") == {"code": "SUCCESS", "sub": "SUCCESS_COMPLETED", "message": ""}
    again = app("RtIfInit")
    assert (again["code"], again["sub"]) == ("FAILURE", "ALREADY_INITIALIZED")

    r = app("RtIfGet", name="ge-0/0/0.0")
    assert (r["code"], r["sub"]) == ("SUCCESS", "SUCCESS_COMPLETED")
    e = r["entry"]
    assert e["name"] == "ge-0/0/0.0" and e["status"] == "RT_INTF_UP"
    assert set(e["addresses"]) == {"192.0.2.254/24", "2001:db8::fe/64"}
    assert e["index"] > 0 and e["mtu"] > 0 and e["bandwidth"] > 0
    by_index = app("RtIfGet", index=e["index"], address_format=1)
    assert by_index["entry"]["name"] == "ge-0/0/0.0"
    assert "bytes:c00002fe/24" in by_index["entry"]["addresses"]

    r = app("RtIfGet", name="ge-0/0/9.7")
    assert (r["code"], r["sub"]) == ("FAILURE", "NOT_FOUND") and r["entry"] is None
    r = app("RtIfGet")
    assert r["sub"] == "INVALID_INDEX_AND_NAME"
    r = app("RtIfGet", name="ge-0/0/0.0", address_format=7)
    assert r["grpc"] == "INVALID_ARGUMENT" and "address_format" in r["details"]


def test_notifications_dump_then_stream_changes_refresh_and_unregister(routed_jetd, legacy):
    app = legacy(routed_jetd, CLIENT)
    r = app("RtIfRegister", expect=1)
    assert r["messages"][0]["sub"] == "NOT_INITIALIZED"
    assert "RoutingInterfaceInitialize" in r["message"]
    assert app("RtIfInit")["sub"] == "SUCCESS_COMPLETED"
    r = app("RtIfUnregister")
    assert (r["code"], r["sub"]) == ("FAILURE", "NOTIFICATION_NOT_REGISTERED")
    assert "NOTIFICATION_NOT_REGISTERED" in r["message"]

    first = app("RtIfRegister", expect=2)["messages"]
    assert first[0] == {"code": "SUCCESS", "sub": "SUCCESS_COMPLETED", "entries": []}
    assert "ge-0/0/0.0" in [e["name"] for e in first[1]["entries"]]

    # A new routing interface is notified with its address.
    ch = routed_jetd.logged_in(routed_jetd.clear_channel(), client_id="py-config")
    try:
        openjet.config_set(ch, "interfaces { ge-0/0/1 { unit 0 { family inet { address 198.51.100.1/24; } } } }",
                           load_type="merge")
    finally:
        ch.close()
    change = app("RtIfRead", expect=1)["messages"][0]
    new = [e for e in change["entries"] if e["name"] == "ge-0/0/1.0"]
    assert new and new[0]["addresses"] == ["198.51.100.1/24"]

    assert app("RtIfRefresh")["sub"] == "SUCCESS_COMPLETED"
    dump = app("RtIfRead", expect=1)["messages"][0]
    assert {"ge-0/0/0.0", "ge-0/0/1.0"} <= {e["name"] for e in dump["entries"]}

    # One stream per client, whichever session holds the binding.
    twin = legacy(routed_jetd, CLIENT)
    assert twin("RtIfInit")["sub"] == "SUCCESS_REBOUND"
    assert app("RtIfUnregister")["sub"] == "NOT_INITIALIZED", "the binding moved"
    assert twin("RtIfUnregister")["sub"] == "SUCCESS_COMPLETED"
    assert twin("RtIfRefresh")["sub"] == "NOTIFICATION_NOT_REGISTERED"


def test_state_is_shared_with_the_new_generation(routed_jetd, legacy):
    app = legacy(routed_jetd, CLIENT)
    assert app("RtIfInit")["sub"] == "SUCCESS_COMPLETED"
    ch = routed_jetd.logged_in(routed_jetd.clear_channel(), client_id=CLIENT)
    try:
        stub = rtif_grpc.InterfacesStub(ch)
        r = stub.InterfaceInitialize(rtif_pb2.InterfaceInitializeRequest(), timeout=30)
        assert r.sub_code == rtif_pb2.InterfaceInitializeResponse.SUCCESS_REBOUND
        got = stub.InterfaceGet(rtif_pb2.InterfaceGetRequest(name="ge-0/0/0.0"), timeout=30)
        assert got.entry.name == "ge-0/0/0.0"
    finally:
        ch.close()
    # The binding moved to the new generation's session.
    r = app("RtIfGet", name="ge-0/0/0.0")
    assert r["sub"] == "NOT_INITIALIZED"
