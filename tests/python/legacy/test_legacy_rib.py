"""routing.Rib (the older JET generation) from Juniper's own stubs in a child process,
against a real jetd: the Traffic-Management sample app's calls, the documented failures,
and one route seen and guarded across both generations."""

from __future__ import annotations

import pytest

from openjet._gen import jnx_common_base_types_pb2 as common_pb2
from openjet._gen import jnx_routing_rib_service_pb2 as rib_pb2
from openjet._gen import jnx_routing_rib_service_pb2_grpc as rib_grpc

from juniper_legacy import LegacyClient  # noqa: F401  (fixtures in conftest)

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "rib"))
from rib_helpers import configure_interface, key, prefix_of, route  # noqa: E402

CLIENT = "py-legacy-app"


@pytest.fixture
def routed(fresh_jetd):
    configure_interface(fresh_jetd)
    return fresh_jetd


def test_traffic_management_app_adds_reads_and_removes_routes(routed, legacy):
    app = legacy(routed, CLIENT)
    # The sample app programs with RouteAdd(RouteUpdateRequest), no initialization call.
    r = app("RouteAdd", routes=[{"prefix": "10.10.1.0/24", "gw": "192.0.2.1"},
                                {"prefix": "10.10.2.0/24", "gw": "192.0.2.2", "pref": 9}])
    assert r == {"status": "SUCCESS", "completed": 2, "message": ""}

    got = app("RouteGet", prefix="10.10.1.0/24", match="EXACT")
    assert got["statuses"][0] == "SUCCESS"
    assert [x["prefix"] for x in got["routes"]] == ["10.10.1.0/24"]
    one = got["routes"][0]
    assert one["gws"] == ["192.0.2.1"] and one["table"] == "inet.0"
    assert one["pref"] == 5, "programmed routes are static with preference 5 by default"

    walk = app("RouteGet", prefix="10.10.0.0/16", match="EXACT_OR_LONGER", count=1)
    assert [x["prefix"] for x in walk["routes"]] == ["10.10.1.0/24", "10.10.2.0/24"]
    assert walk["sizes"][:2] == [1, 1], "route_count routes per reply"
    assert walk["routes"][1]["pref"] == 9
    assert set(walk["statuses"]) == {"SUCCESS"}

    as_bytes = app("RouteGet", prefix="10.10.1.0/24", match="EXACT", bytes=True, table_id=True)
    assert as_bytes["routes"][0]["prefix"] == "bytes:0a0a0100/24"
    assert isinstance(as_bytes["routes"][0]["table"], int)

    best = app("RouteGet", prefix="10.10.2.77/32", match="BEST")
    assert [x["prefix"] for x in best["routes"]] == ["10.10.2.0/24"]

    r = app("RouteRemove", keys=[{"prefix": "10.10.1.0/24"}, {"prefix": "10.10.2.0/24"}])
    assert (r["status"], r["completed"]) == ("SUCCESS", 2)
    gone = app("RouteGet", prefix="10.10.0.0/16", match="EXACT_OR_LONGER")
    assert gone["routes"] == []


def test_documented_failures_carry_the_legacy_status_and_a_message(routed, legacy):
    app = legacy(routed, CLIENT)
    ok = {"prefix": "10.20.0.0/24", "gw": "192.0.2.1"}
    assert app("RouteAdd", routes=[ok])["status"] == "SUCCESS"

    r = app("RouteAdd", routes=[{"prefix": "10.20.1.0/24", "gw": "192.0.2.1"}, ok])
    assert (r["status"], r["completed"]) == ("ROUTE_EXISTS", 1), "stops at the first error"
    assert "10.20.0.0/24" in r["message"]

    r = app("RouteModify", routes=[{"prefix": "10.20.9.0/24", "gw": "192.0.2.1"}])
    assert (r["status"], r["completed"]) == ("ROUTE_NOT_FOUND", 0)
    r = app("RouteRemove", keys=[{"prefix": "10.20.9.0/24"}])
    assert r["status"] == "ROUTE_NOT_FOUND"
    r = app("RouteAdd", routes=[{"prefix": "10.20.2.0/24", "gw": "192.0.2.1", "table": "nosuch.inet.0"}])
    assert r["status"] == "TABLE_INVALID" and "nosuch.inet.0" in r["message"]
    r = app("RouteAdd", routes=[{"prefix": "10.20.2.0/33", "gw": "192.0.2.1"}])
    assert r["status"] == "PREFIX_LEN_TOO_LONG"
    r = app("RouteAdd", routes=[{"prefix": "10.20.2.0/24", "gw": "192.0.2.1", "proto": 5}])
    assert r["status"] == "PROTOCOL_INVALID"
    r = app("RouteAdd", routes=[{"prefix": "10.20.2.0/24", "gw": "192.0.2.1", "metrics": True}])
    assert r["status"] == "REQUEST_UNSUPPORTED" and "metrics" in r["message"]
    r = app("RouteAdd", routes=[{"prefix": "10.20.2.0/24", "gw": "192.0.2.1", "gw_table": True}])
    assert r["status"] == "REQUEST_UNSUPPORTED" and "gateway 0: table" in r["message"]
    many = [{"prefix": f"10.21.{i // 256}.{i % 256}/32"} for i in range(1001)]
    r = app("RouteAdd", routes=many)
    assert (r["status"], r["completed"]) == ("TOO_MANY_OPS", 0)
    r = app("RouteAdd", routes=[])
    assert r["status"] == "NO_OP"
    r = app("RouteUpdate", routes=[{"prefix": "10.20.0.0/24", "gw": "192.0.2.9"}])
    assert r["status"] == "SUCCESS"
    got = app("RouteGet", prefix="10.20.0.0/24", match="EXACT")
    assert got["routes"][0]["gws"] == ["192.0.2.9"]
    bad = app("RouteGet", prefix="10.20.0.0/24", table="nosuch.inet.0")
    assert bad["statuses"] == ["TABLE_INVALID"] and bad["routes"] == []


def test_a_route_is_seen_by_both_generations_and_changed_only_by_its_own(routed, legacy):
    app = legacy(routed, CLIENT)
    assert app("RouteAdd", routes=[{"prefix": "10.30.1.0/24", "gw": "192.0.2.1"}])["status"] == "SUCCESS"

    ch = routed.logged_in(routed.clear_channel(), client_id=CLIENT)
    try:
        rib = rib_grpc.RibStub(ch)
        init = rib.RouteInitialize(rib_pb2.RouteInitializeRequest(), timeout=30)
        assert init.status.code == common_pb2.SUCCESS
        msgs = list(rib.RouteGet(rib_pb2.RouteGetRequest(
            key=key("10.30.1.0/24"), match_type=rib_pb2.EXACT), timeout=30))
        assert [prefix_of(e) for m in msgs for e in m.routes] == ["10.30.1.0/24"]

        r = rib.RouteUpdate(rib_pb2.RouteUpdateRequest(routes=[route("10.30.1.0/24", "192.0.2.5")]), timeout=30)
        assert r.sub_code == rib_pb2.ROUTE_API_VERSION_MISMATCH
        assert "older routing.Rib" in r.status.message
        r = rib.RouteDelete(rib_pb2.RouteDeleteRequest(keys=[key("10.30.1.0/24")]), timeout=30)
        assert r.sub_code == rib_pb2.ROUTE_API_VERSION_MISMATCH

        r = rib.RouteAdd(rib_pb2.RouteUpdateRequest(routes=[route("10.30.2.0/24")]), timeout=30)
        assert r.sub_code == rib_pb2.SUCCESS
        seen = app("RouteGet", prefix="10.30.0.0/16", match="EXACT_OR_LONGER")
        assert [x["prefix"] for x in seen["routes"]] == ["10.30.1.0/24", "10.30.2.0/24"]
        # The older generation has no ROUTE_API_VERSION_MISMATCH: REQUEST_UNSUPPORTED, and why.
        r = app("RouteRemove", keys=[{"prefix": "10.30.2.0/24"}])
        assert r["status"] == "REQUEST_UNSUPPORTED"
        assert "jnx.jet.routing.rib.Rib" in r["message"]
        r = app("RouteModify", routes=[{"prefix": "10.30.2.0/24", "gw": "192.0.2.1"}])
        assert r["status"] == "REQUEST_UNSUPPORTED"
    finally:
        ch.close()


def test_route_monitor_register_dumps_the_table_then_streams_changes(routed, legacy):
    app = legacy(routed, CLIENT)
    other = legacy(routed, "py-legacy-other")
    assert app("RouteAdd", routes=[{"prefix": "10.40.1.0/24", "gw": "192.0.2.1"}])["status"] == "SUCCESS"
    # The full table first, up to the end-of-table marker.
    events = other("Monitor", table="inet.0", ctx=42, count=100, expect=10_000)["events"]
    assert events[-1].get("op") == "ROUTE_MONITOR_ROUTE_OP_END_OF_TABLE", events
    adds = [e["prefix"] for e in events if e.get("op") == "ROUTE_MONITOR_ROUTE_OP_ADD"]
    assert "10.40.1.0/24" in adds
    assert all(e["ctx"] == 42 for e in events)

    assert app("RouteAdd", routes=[{"prefix": "10.40.2.0/24", "gw": "192.0.2.1"}])["status"] == "SUCCESS"
    nxt = other("MonitorRead", expect=1)["events"]
    assert nxt[0]["op"] == "ROUTE_MONITOR_ROUTE_OP_ADD" and nxt[0]["prefix"] == "10.40.2.0/24"
    assert app("RouteRemove", keys=[{"prefix": "10.40.2.0/24"}])["status"] == "SUCCESS"
    nxt = other("MonitorRead", expect=1)["events"]
    assert nxt[0]["op"] == "ROUTE_MONITOR_ROUTE_OP_DELETE" and nxt[0]["prefix"] == "10.40.2.0/24"

    bad = app("Monitor", table="nosuch.inet.0", expect=1)["events"]
    assert bad[0]["status"] == "TABLE_INVALID"


def test_route_remove_matching_removes_only_the_callers_matching_routes(routed, legacy):
    app = legacy(routed, CLIENT)
    other = legacy(routed, "py-legacy-other")
    mine = [{"prefix": "10.50.0.0/16", "gw": "192.0.2.1"},
            {"prefix": "10.50.1.0/24", "gw": "192.0.2.1", "cookie": 1},
            {"prefix": "10.50.1.0/24", "gw": "192.0.2.1", "cookie": 2, "tag": 7},
            {"prefix": "10.50.2.0/24", "gw": "192.0.2.1", "tag": 7},
            {"prefix": "10.51.0.0/24", "gw": "192.0.2.1"}]
    assert app("RouteAdd", routes=mine)["status"] == "SUCCESS"
    assert other("RouteAdd", routes=[{"prefix": "10.50.3.0/24", "gw": "192.0.2.1"}])["status"] == "SUCCESS"

    def left(who):
        got = who("RouteGet", prefix="10.48.0.0/12", match="EXACT_OR_LONGER", count=100)
        return sorted(f'{x["prefix"]}#{x["cookie"]}' for x in got["routes"])

    # EXACT with a cookie: that path only.
    r = app("RouteRemoveMatching", prefix="10.50.1.0/24", match="EXACT", cookie=1)
    assert (r["status"], r["completed"]) == ("SUCCESS", 1)
    # Tags narrow the match (tag 7 on two routes under 10.50/16).
    r = app("RouteRemoveMatching", prefix="10.50.0.0/16", match="EXACT_OR_LONGER", tags={0: 7})
    assert (r["status"], r["completed"]) == ("SUCCESS", 2)
    assert left(app) == ["10.50.0.0/16#0", "10.50.3.0/24#0", "10.51.0.0/24#0"]
    # BEST (the default) removes at the longest of the caller's covering destinations;
    # the other client's 10.50.3.0/24 is never touched.
    r = app("RouteRemoveMatching", prefix="10.50.3.1/32")
    assert (r["status"], r["completed"]) == ("SUCCESS", 1)
    # Nothing left to match: success with no operations.
    r = app("RouteRemoveMatching", prefix="10.50.0.0/16", match="EXACT_OR_LONGER")
    assert (r["status"], r["completed"]) == ("SUCCESS", 0)
    # No destination: the whole table (of the caller's own routes).
    r = app("RouteRemoveMatching")
    assert (r["status"], r["completed"]) == ("SUCCESS", 1)
    assert left(app) == ["10.50.3.0/24#0"]

    # Documented failures, with the field named in openjet-message.
    r = app("RouteRemoveMatching", no_table=True)
    assert r["status"] == "TABLE_INVALID" and "key.table" in r["message"]
    r = app("RouteRemoveMatching", table="nosuch.inet.0")
    assert r["status"] == "TABLE_INVALID" and "nosuch.inet.0" in r["message"]
    r = app("RouteRemoveMatching", prefix="10.50.0.0/33", match="EXACT")
    assert r["status"] == "PREFIX_LEN_TOO_LONG" and "key.dest_prefix" in r["message"]
    r = app("RouteRemoveMatching", match_number=7)
    assert r["status"] == "REQUEST_INVALID" and "match_type 7" in r["message"]
    r = app("RouteRemoveMatching", tags={4: 1})
    assert r["status"] == "REQUEST_INVALID" and "extended_match.tags" in r["message"]


def test_route_remove_matching_leaves_the_new_generations_routes(routed, legacy):
    app = legacy(routed, CLIENT)
    assert app("RouteAdd", routes=[{"prefix": "10.52.1.0/24", "gw": "192.0.2.1"}])["status"] == "SUCCESS"
    ch = routed.logged_in(routed.clear_channel(), client_id=CLIENT)
    try:
        rib = rib_grpc.RibStub(ch)
        rib.RouteInitialize(rib_pb2.RouteInitializeRequest(), timeout=30)
        r = rib.RouteAdd(rib_pb2.RouteUpdateRequest(routes=[route("10.52.2.0/24")]), timeout=30)
        assert r.sub_code == rib_pb2.SUCCESS
        r = app("RouteRemoveMatching", prefix="10.52.0.0/16", match="EXACT_OR_LONGER")
        assert (r["status"], r["completed"]) == ("SUCCESS", 1)
        msgs = list(rib.RouteGet(rib_pb2.RouteGetRequest(
            key=key("10.52.0.0/16"), match_type=rib_pb2.EXACT_OR_LONGER, route_count=10), timeout=30))
        assert [prefix_of(e) for m in msgs for e in m.routes] == ["10.52.2.0/24"]
    finally:
        ch.close()
