"""routing.BgpRoute (the older JET generation's BGP route service) from Juniper's own
stubs in a child process, against a real jetd: initialization, BGP-static routes with
their attributes, the documented failures with the legacy status codes, one client's
routes across both generations, and the monitor stream."""

from __future__ import annotations

import openjet
from openjet._gen import jnx_common_addr_types_pb2 as addr_pb2
from openjet._gen import jnx_routing_base_types_pb2 as base_types_pb2
from openjet._gen import jnx_routing_bgp_service_pb2 as bgp_pb2
from openjet._gen import jnx_routing_bgp_service_pb2_grpc as bgp_grpc

from juniper_legacy import LegacyClient  # noqa: F401  (fixtures in conftest)

import pytest

CLIENT = "py-legacy-bgp"
BGP_CONFIG = (
    "interfaces { ge-0/0/0 { unit 0 { family inet { address 192.0.2.2/24; } } } } "
    "routing-options { autonomous-system 65000; } "
    "protocols { bgp { group rr { type internal; neighbor 192.0.2.1; } } }"
)


def configure_bgp(dev):
    ch = dev.logged_in(dev.clear_channel(), client_id="py-bgp-config")
    try:
        openjet.config_set(ch, BGP_CONFIG)
    finally:
        ch.close()


@pytest.fixture
def bgp_device(fresh_jetd):
    configure_bgp(fresh_jetd)
    return fresh_jetd


def test_not_ready_until_bgp_is_configured_then_initialized_once(fresh_jetd, legacy):
    app = legacy(fresh_jetd, CLIENT)
    r = app("BgpRouteAdd", routes=[{"prefix": "10.1.0.0/16"}])
    assert r["status"] == "NOT_INITIALIZED"
    assert "routing.BgpRoute/BgpRouteInitialize" in r["message"]
    r = app("BgpRouteInitialize")
    assert r["status"] == "BGP_NOT_READY" and "protocols bgp" in r["message"]
    configure_bgp(fresh_jetd)
    assert app("BgpRouteInitialize")["status"] == "SUCCESS"
    r = app("BgpRouteInitialize")
    assert r["status"] == "ALREADY_INITIALIZED"
    assert app("BgpRouteCleanup")["status"] == "SUCCESS"
    stranger = legacy(fresh_jetd, "py-legacy-bgp-stranger")
    r = stranger("BgpRouteCleanup")
    assert r["status"] == "NOT_INITIALIZED" and "BgpRouteInitialize" in r["message"]


def test_bgp_static_routes_are_added_read_changed_and_removed(bgp_device, legacy):
    app = legacy(bgp_device, CLIENT)
    assert app("BgpRouteInitialize")["status"] == "SUCCESS"
    first = {"prefix": "10.60.0.0/24", "local_pref": 300, "med": 20, "aspath": "65001 65002",
             "communities": ["65000:100", "no-export"], "cluster_list": [7], "ebgp": True,
             "oper_flag": 2, "cookie": 9}
    routes = [first] + [{"prefix": f"10.60.{i}.0/24"} for i in range(1, 5)]
    r = app("BgpRouteAdd", routes=routes)
    assert (r["status"], r["completed"]) == ("SUCCESS", 5)

    got = app("BgpRouteGet", count=2)
    assert got["sizes"] == [2, 2, 1, 0], "route_count per reply, then the final empty reply"
    assert set(got["statuses"]) == {"SUCCESS"}
    one = got["routes"][0]
    assert one["prefix"] == "10.60.0.0/24" and one["table"] == "inet.0"
    assert one["proto"] == "PROTO_BGP_STATIC" and one["cookie"] == 9
    assert (one["local_pref"], one["med"], one["aspath"]) == (300, 20, "65001 65002")
    assert one["communities"] == ["65000:100", "no-export"] and one["cluster_list"] == [7]
    assert one["ebgp"] and one["nh"] == ["192.0.2.1"] and one["pref"] == 5
    # The deprecated bits were read, and both flag fields are written back.
    assert one["oper_flag"] == 2 and one["flags"]["no_export"]
    assert got["routes"][1]["local_pref"] == 100, "LOCAL_PREF defaults to 100"

    fmt = app("BgpRouteGet", match={"prefix": "10.60.1.0/24"}, address_format=1, table_format=1)
    assert fmt["routes"][0]["prefix"] == "bytes:0a3c0100/24"
    assert isinstance(fmt["routes"][0]["table"], int)
    assert fmt["routes"][0]["nh"] == ["bytes:c0000201"]
    by_comm = app("BgpRouteGet", match={"communities": ["65000:.*"], "table": None})
    assert [x["prefix"] for x in by_comm["routes"]] == ["10.60.0.0/24"]

    r = app("BgpRouteAdd", routes=[{"prefix": "10.60.9.0/24"}, {"prefix": "10.60.1.0/24"}])
    assert (r["status"], r["completed"]) == ("ROUTE_EXISTS", 1)
    assert "bgp_routes[1]" in r["message"]
    r = app("BgpRouteModify", routes=[{"prefix": "10.60.8.0/24"}])
    assert (r["status"], r["completed"]) == ("ROUTE_NOT_FOUND", 0)
    r = app("BgpRouteUpdate", routes=[{"prefix": "10.60.1.0/24", "local_pref": 50}])
    assert r["status"] == "SUCCESS"
    got = app("BgpRouteGet", match={"prefix": "10.60.1.0/24"})
    assert got["routes"][0]["local_pref"] == 50

    # Cookie 0 removes every cookie; or_longer the more specific destinations.
    r = app("BgpRouteRemove", keys=[{"prefix": "10.60.0.0/16"}], or_longer=True)
    assert (r["status"], r["completed"]) == ("SUCCESS", 1)
    gone = app("BgpRouteGet")
    assert gone["statuses"] == ["ROUTE_NOT_FOUND"] and gone["routes"] == []
    r = app("BgpRouteRemove", keys=[{"prefix": "10.60.0.0/24"}])
    assert r["status"] == "ROUTE_NOT_FOUND" and "10.60.0.0/24" in r["message"]


def test_documented_failures_carry_the_legacy_status_and_name_the_field(bgp_device, legacy):
    app = legacy(bgp_device, CLIENT)
    assert app("BgpRouteInitialize")["status"] == "SUCCESS"

    def add(**route):
        return app("BgpRouteAdd", routes=[{"prefix": "10.61.0.0/24", **route}])

    r = add(proto=1)
    assert r["status"] == "PROTOCOL_INVALID"
    assert r["message"] == "bgp_routes[0]: protocol 1 is not PROTO_UNSPECIFIED or PROTO_BGP_STATIC"
    r = add(nh=["192.0.2.1", "192.0.2.3"])
    assert r["status"] == "NEXTHOP_ECMP_LIMIT" and "protocol_nexthops" in r["message"]
    r = add(nh=["2001:db8::1"])
    assert r["status"] == "NEXTHOP_ADDRESS_INVALID"
    r = add(communities=["65000:1", "bogus"])
    assert r["status"] == "COMMUNITY_LIST_INVALID" and "communities[1] 'bogus'" in r["message"]
    r = add(aspath="65001 x")
    assert r["status"] == "ASPATH_INVALID" and "aspath" in r["message"]
    r = add(cluster_list=[0])
    assert r["status"] == "CLUSTER_LIST_INVALID"
    r = add(vpn_label=3)
    assert r["status"] == "LABEL_INFO_INVALID" and r["message"].startswith("bgp_routes[0]: vpn_label 3")
    r = add(ipip_endpoint="224.0.0.1")
    assert r["status"] == "TUNNEL_ATTR_EGRESS_ENDPOINT_NOT_IPV4"
    r = add(ipip_endpoint="192.0.2.77")
    assert r["status"] == "REQUEST_UNSUPPORTED" and "tunnel_attributes" in r["message"]
    r = add(flags={"use_nexthop_reject": True, "use_nexthop_fictitious": True})
    assert r["status"] == "MUTUALLY_EXCLUSIVE_RT_FLAGS_ARE_SET"
    r = add(table="nosuch.inet.0")
    assert r["status"] == "TABLE_INVALID" and "nosuch.inet.0" in r["message"]
    r = add(table=None)
    assert r["status"] == "TABLE_INVALID" and r["message"] == "bgp_routes[0]: table missing"
    r = app("BgpRouteAdd", routes=[{"prefix": f"10.62.{i // 256}.{i % 256}/32"} for i in range(1001)])
    assert (r["status"], r["completed"]) == ("TOO_MANY_OPS", 0)
    r = app("BgpRouteAdd", routes=[])
    assert r["status"] == "NO_OP" and "bgp_routes" in r["message"]
    r = app("BgpRouteRemove", keys=[{"prefix": "10.61.0.0/24", "proto": 1}])
    assert r["status"] == "PROTOCOL_INVALID"

    bad = app("BgpRouteGet", match={"prefix": "10.61.0.0/24", "proto": 7})
    assert bad["statuses"] == ["PROTOCOL_INVALID"] and "bgp_route.protocol 7" in bad["message"]
    bad = app("BgpRouteGet", count=1001)
    assert bad["statuses"] == ["ROUTE_COUNT_INVALID"]
    bad = app("BgpRouteGet", match={"table": "nosuch.inet.0"})
    assert bad["statuses"] == ["TABLE_INVALID"] and "bgp_route.table" in bad["message"]
    bad = app("BgpRouteGet", match={"prefix": "10.61.0.0/24", "communities": ["(("]})
    assert bad["statuses"] == ["COMMUNITY_LIST_INVALID"]
    ok = app("BgpRouteGet", match={"prefix": "10.61.0.0/24", "proto": 1})
    assert ok["statuses"] == ["ROUTE_NOT_FOUND"], "PROTO_BGP may be asked for in a get"


def test_one_clients_bgp_routes_across_both_generations(bgp_device, legacy):
    app = legacy(bgp_device, CLIENT)
    assert app("BgpRouteInitialize")["status"] == "SUCCESS"
    assert app("BgpRouteAdd", routes=[{"prefix": "10.63.1.0/24", "local_pref": 222}])["status"] == "SUCCESS"

    ch = bgp_device.logged_in(bgp_device.clear_channel(), client_id=CLIENT)
    try:
        stub = bgp_grpc.BgpStub(ch)
        r = stub.Initialize(bgp_pb2.InitializeRequest(), timeout=30)
        # The client's BGP state is shared: this second session takes its route along.
        assert r.sub_code == bgp_pb2.InitializeResponse.SUCCESS_STATE_REBOUND
        assert r.num_client_routes == 1

        def key(prefix):
            addr, length = prefix.split("/")
            return bgp_pb2.RouteMatch(
                dest_prefix=base_types_pb2.RoutePrefix(inet=addr_pb2.IpAddress(addr_string=addr)),
                dest_prefix_len=int(length),
                table=base_types_pb2.RouteTable(name=base_types_pb2.RouteTableName(name="inet.0")))

        def route(prefix):
            return bgp_pb2.RouteEntry(key=key(prefix),
                                      protocol_nexthops=[addr_pb2.IpAddress(addr_string="192.0.2.1")])

        msgs = list(stub.RouteGet(bgp_pb2.RouteGetRequest(route=key("10.63.1.0/24")), timeout=30))
        seen = [e for m in msgs for e in m.routes]
        assert len(seen) == 1 and seen[0].local_preference.value == 222
        r = stub.RouteUpdate(bgp_pb2.RouteUpdateRequest(routes=[route("10.63.1.0/24")]), timeout=30)
        assert r.sub_code == bgp_pb2.RouteOperResponse.REQUEST_UNSUPPORTED
        assert "older routing.BgpRoute" in r.status.message
        r = stub.RouteDelete(bgp_pb2.RouteDeleteRequest(routes=[key("10.63.1.0/24")]), timeout=30)
        assert r.sub_code == bgp_pb2.RouteOperResponse.REQUEST_UNSUPPORTED

        r = stub.RouteAdd(bgp_pb2.RouteUpdateRequest(routes=[route("10.63.2.0/24")]), timeout=30)
        assert r.sub_code == bgp_pb2.RouteOperResponse.SUCCESS
        got = app("BgpRouteGet", match={"prefix": "10.63.0.0/16"}, or_longer=True)
        assert [x["prefix"] for x in got["routes"]] == ["10.63.1.0/24", "10.63.2.0/24"]
        r = app("BgpRouteRemove", keys=[{"prefix": "10.63.2.0/24"}])
        assert r["status"] == "REQUEST_UNSUPPORTED" and "jnx.jet.routing.bgp.Bgp" in r["message"]
        r = app("BgpRouteModify", routes=[{"prefix": "10.63.2.0/24"}])
        assert r["status"] == "REQUEST_UNSUPPORTED"
        # Each generation removes its own.
        assert app("BgpRouteRemove", keys=[{"prefix": "10.63.1.0/24"}])["status"] == "SUCCESS"
        r = stub.RouteDelete(bgp_pb2.RouteDeleteRequest(routes=[key("10.63.2.0/24")]), timeout=30)
        assert r.sub_code == bgp_pb2.RouteOperResponse.SUCCESS
    finally:
        ch.close()


def test_monitor_dumps_then_streams_changes_and_is_refreshed_and_unregistered(bgp_device, legacy):
    app = legacy(bgp_device, CLIENT)
    watcher = legacy(bgp_device, "py-legacy-bgp-watch")
    assert app("BgpRouteInitialize")["status"] == "SUCCESS"
    assert watcher("BgpRouteInitialize")["status"] == "SUCCESS"
    assert app("BgpRouteAdd", routes=[{"prefix": "10.64.1.0/24"}])["status"] == "SUCCESS"

    ev = watcher("BgpMonitor", count=10, expect=100)["events"]
    assert ev[0] == {"status": "SUCCESS"}, "the registration reply comes first"
    assert [e["op"] for e in ev[1:]] == ["ROUTE_UPDATE", "END_OF_RIBS"]
    assert ev[1]["prefix"] == "10.64.1.0/24" and ev[1]["proto"] == "PROTO_BGP_STATIC"

    assert app("BgpRouteAdd", routes=[{"prefix": "10.64.2.0/24", "med": 5}])["status"] == "SUCCESS"
    nxt = watcher("BgpMonitorRead", expect=1)["events"]
    assert (nxt[0]["op"], nxt[0]["prefix"], nxt[0]["med"]) == ("ROUTE_UPDATE", "10.64.2.0/24", 5)
    assert app("BgpRouteRemove", keys=[{"prefix": "10.64.2.0/24"}])["status"] == "SUCCESS"
    nxt = watcher("BgpMonitorRead", expect=1)["events"]
    assert (nxt[0]["op"], nxt[0]["prefix"]) == ("ROUTE_REMOVE", "10.64.2.0/24")

    assert watcher("BgpRouteMonitorRefresh")["status"] == "SUCCESS"
    again = watcher("BgpMonitorRead", expect=100)["events"]
    assert [e["op"] for e in again] == ["ROUTE_UPDATE", "END_OF_RIBS"]

    # One stream per client: a second session of the same client is refused.
    twin = legacy(bgp_device, "py-legacy-bgp-watch")
    assert twin("BgpRouteInitialize")["status"] in ("SUCCESS", "SUCCESS_STATE_REBOUND")
    dup = twin("BgpMonitor", expect=1)["events"]
    assert dup[0]["status"] == "ALREADY_REGISTERED"

    assert watcher("BgpRouteMonitorUnregister")["status"] == "SUCCESS"
    r = watcher("BgpRouteMonitorUnregister")
    assert r["status"] == "NOT_REGISTERED" and "BgpRouteMonitorRegister" in r["message"]
    assert watcher("BgpRouteMonitorRefresh")["status"] == "NOT_REGISTERED"
    bad = app("BgpMonitor", address_format=5, expect=1)["events"]
    assert bad[0]["status"] == "ADDRESS_FORMAT_INVALID"
    bad = app("BgpMonitor", table_format=9, expect=1)["events"]
    assert bad[0]["status"] == "TABLE_FORMAT_INVALID"
    bad = app("BgpMonitor", count=1001, expect=1)["events"]
    assert bad[0]["status"] == "ROUTE_COUNT_INVALID"
    fresh = legacy(bgp_device, "py-legacy-bgp-none")
    assert fresh("BgpMonitor", expect=1)["events"][0]["status"] == "NOT_INITIALIZED"
    assert fresh("BgpRouteMonitorUnregister")["status"] == "NOT_INITIALIZED"
