"""openjet.rib: the SDK's RIB helpers (builders, Rib, RibError) against a real jetd."""

from __future__ import annotations

import queue
import threading

import grpc
import pytest

import openjet
from openjet import rib as sdk
from openjet._gen import jnx_routing_base_service_pb2 as base_pb2
from openjet._gen import jnx_routing_base_service_pb2_grpc as base_grpc



def session(dev, client_id: str, **init):
    """A logged-in channel and an initialized Rib on it."""
    ch = dev.logged_in(dev.clear_channel(), client_id=client_id)
    rib = openjet.Rib(ch)
    rib.initialize(**init)
    return ch, rib


# ---------------------------------------------------------------------------------------
# Builders and readers (no device)


def test_route_builds_the_nested_message_from_text():
    r = openjet.route("10.1.0.0/24", ["192.0.2.1", "192.0.2.2"], preference=7, preference2=50,
                      cookie=9)
    assert r.key.dest_prefix.inet.addr_string == "10.1.0.0"
    assert r.key.dest_prefix_len == 24
    assert r.key.table.name.name == "inet.0"
    assert r.key.cookie == 9
    assert [g.gateway_address.inet.addr_string for g in r.nexthop.gateways] == [
        "192.0.2.1", "192.0.2.2"]
    assert r.attributes.preferences[0].value == 7
    assert r.attributes.preferences[1].value == 50
    assert openjet.prefix_of(r) == "10.1.0.0/24"
    assert openjet.gateways_of(r) == ["192.0.2.1", "192.0.2.2"]
    assert (openjet.preference_of(r), openjet.preference_of(r, 1)) == (7, 50)

    # One address string is one gateway; a tuple item adds the interface.
    one = openjet.route("10.1.0.0/24", "192.0.2.1")
    assert openjet.gateways_of(one) == ["192.0.2.1"]
    assert not one.HasField("attributes")
    assert openjet.preference_of(one) is None
    tup = openjet.route("10.1.0.0/24", [("192.0.2.1", "ge-0/0/0.0")])
    assert tup.nexthop.gateways[0].interface_name == "ge-0/0/0.0"
    assert tup.nexthop.gateways[0].gateway_address.inet.addr_string == "192.0.2.1"
    assert openjet.gateways_of(openjet.route("10.1.0.0/24")) == []


def test_ipv6_prefixes_default_to_inet6_0_and_keys_carry_host_bits_unjudged():
    r = openjet.route("2001:DB8:1::/48", ["2001:db8::1"])
    assert r.key.dest_prefix.WhichOneof("af") == "inet6"
    assert r.key.dest_prefix.inet6.addr_string == "2001:db8:1::"
    assert r.key.table.name.name == "inet6.0"
    assert r.nexthop.gateways[0].gateway_address.WhichOneof("af") == "inet6"
    k = openjet.route_key("10.1.0.1/24", table="red.inet.0", cookie=3)
    assert (openjet.prefix_of(k), k.table.name.name, k.cookie) == ("10.1.0.1/24", "red.inet.0", 3)


@pytest.mark.parametrize("bad, named", [("10.1.0.0", "'10.1.0.0'"), ("10.1.0/24", "'10.1.0'"),
                                        ("10.1.0.0/x", "'x'")])
def test_malformed_prefix_text_is_a_value_error_naming_it(bad, named):
    with pytest.raises(ValueError, match=named):
        openjet.route_key(bad)


def test_rib_names_are_exported_lazily_from_the_package():
    assert openjet.Rib is sdk.Rib
    assert openjet.route is sdk.route
    assert issubclass(openjet.RibError, openjet.JetError)
    assert sdk.RibError is openjet.RibError


# ---------------------------------------------------------------------------------------
# Against a device


def test_add_get_delete_round_trip(routed_jetd):
    ch, rib = session(routed_jetd, "py-sdk")
    try:
        added = rib.add([
            openjet.route("10.1.0.0/24", ["192.0.2.1"]),
            openjet.route("10.1.1.0/24", ["192.0.2.1", "192.0.2.2"], preference=7),
            openjet.route("10.9.0.0/16", "192.0.2.3"),
        ])
        assert added == 3

        got = [(openjet.prefix_of(e), openjet.gateways_of(e), openjet.preference_of(e))
               for e in rib.get("10.0.0.0/8")]
        assert got == [
            ("10.1.0.0/24", ["192.0.2.1"], 5),
            ("10.1.1.0/24", ["192.0.2.1", "192.0.2.2"], 7),
            ("10.9.0.0/16", ["192.0.2.3"], 5),
        ]
        # The whole table (default route, exact_or_longer) has the interface's routes too.
        everything = [openjet.prefix_of(e) for e in rib.get()]
        assert "192.0.2.0/24" in everything and "10.9.0.0/16" in everything
        assert [openjet.prefix_of(e) for e in rib.get("10.1.0.0/24", match="exact")] == [
            "10.1.0.0/24"]
        assert [openjet.prefix_of(e) for e in rib.get("10.1.1.77/32", match="best")] == [
            "10.1.1.0/24"]
        # The device shows them as static routes, active through the interface.
        shown = openjet.op_command(ch, "show route 10.1.1.0/24 exact")
        assert "10.1.1.0/24        *[Static/7] " in shown, shown

        # Update replaces, Modify needs the route to exist.
        assert rib.update([openjet.route("10.9.0.0/16", "192.0.2.4", preference=9)]) == 1
        with pytest.raises(openjet.RibError) as info:
            rib.modify([openjet.route("10.8.0.0/16", "192.0.2.4")])
        assert info.value.sub_code == "ROUTE_NOT_FOUND"
        assert rib.modify([openjet.route("10.1.0.0/24", "192.0.2.5")]) == 1

        # Prefixes, keys and entries all name a route to delete.
        assert rib.delete(["10.1.1.0/24", openjet.route_key("10.1.0.0/24")]) == 2
        left = [(openjet.prefix_of(e), openjet.gateways_of(e), openjet.preference_of(e))
                for e in rib.get("10.0.0.0/8")]
        assert left == [("10.9.0.0/16", ["192.0.2.4"], 9)]
        assert rib.delete([openjet.route("10.9.0.0/16")]) == 1
        assert list(rib.get("10.0.0.0/8")) == []
    finally:
        ch.close()


def test_a_failing_batch_raises_rib_error_with_sub_code_and_operations_completed(routed_jetd):
    ch, rib = session(routed_jetd, "py-sdk")
    try:
        with pytest.raises(openjet.RibError) as info:
            rib.add([openjet.route("10.5.0.0/24", "192.0.2.1"),
                     openjet.route("10.1.0.1/24", "192.0.2.1"),  # host bits set
                     openjet.route("10.6.0.0/24", "192.0.2.1")])
        err = info.value
        assert isinstance(err, openjet.JetError)
        assert err.sub_code == "PREFIX_LEN_TOO_SHORT"
        assert err.operations_completed == 1
        assert err.call == "RouteAdd"
        # The device's own words, naming the bad route (index 1 of the batch).
        assert err.message.startswith("route 1: 10.1.0.1/24"), err.message
        assert str(err) == f"RouteAdd failed: PREFIX_LEN_TOO_SHORT: {err.message}"
        assert err.response.operations_completed == 1
        # The route before the bad one stays, the one after was never applied.
        assert [openjet.prefix_of(e) for e in rib.get("10.0.0.0/8")] == ["10.5.0.0/24"]

        with pytest.raises(openjet.RibError) as info:
            rib.add([openjet.route("10.5.0.0/24", "192.0.2.1")])
        assert (info.value.sub_code, info.value.operations_completed) == ("ROUTE_EXISTS", 0)
    finally:
        ch.close()


def test_long_lists_go_in_batches_of_1000_and_a_failure_counts_earlier_batches(routed_jetd):
    ch, rib = session(routed_jetd, "py-sdk")
    try:
        # One RouteAdd of 1200 would be refused whole (TOO_MANY_OPS); in batches of at most
        # 1000 the first batch goes in and the second stops at its bad route.
        prefixes = [f"10.{i // 256}.{i % 256}.0/24" for i in range(1200)]
        routes = [openjet.route(p, "192.0.2.1") for p in prefixes]
        routes[1100] = openjet.route("10.200.0.1/16", "192.0.2.1")
        with pytest.raises(openjet.RibError) as info:
            rib.add(iter(routes))  # any iterable, a generator too
        assert info.value.sub_code == "PREFIX_LEN_TOO_SHORT"
        assert info.value.operations_completed == 1100
        # RouteGet with route_count 7: many streamed messages, all of them read.
        got = [openjet.prefix_of(e) for e in rib.get("10.0.0.0/8", route_count=7)]
        assert len(got) == 1100
        assert set(got) == set(prefixes[:1100])
        assert rib.delete(prefixes[:1100]) == 1100
        assert list(rib.get("10.0.0.0/8")) == []
    finally:
        ch.close()


def test_calls_before_initialize_raise_not_initialized(fresh_jetd):
    ch = fresh_jetd.logged_in(fresh_jetd.clear_channel(), client_id="py-sdk")
    try:
        rib = openjet.Rib(ch)
        with pytest.raises(openjet.RibError) as info:
            rib.add([openjet.route("10.1.0.0/24", "192.0.2.1")])
        assert info.value.sub_code == "NOT_INITIALIZED"
        assert rib.initialize() == ("SUCCESS", 0)
        assert rib.initialize(default_preference=8) == ("ALREADY_INITIALIZED", 0)
    finally:
        ch.close()


def test_ipv6_route(routed_jetd):
    ch, rib = session(routed_jetd, "py-sdk")
    try:
        assert rib.add([openjet.route("2001:db8:1::/48", ["2001:db8::1"], preference=6)]) == 1
        got = [(openjet.prefix_of(e), openjet.gateways_of(e), openjet.preference_of(e))
               for e in rib.get(table="inet6.0")]
        assert ("2001:db8:1::/48", ["2001:db8::1"], 6) in got
        # Not in inet.0; the prefix decides the default table.
        assert "2001:db8:1::/48" not in [openjet.prefix_of(e) for e in rib.get()]
        shown = openjet.op_command(ch, "show route table inet6.0")
        assert "2001:db8:1::/48    *[Static/6] " in shown, shown
        assert "to 2001:db8::1 via ge-0/0/0.0" in shown, shown
        # An IPv6 destination in an IPv4 table is the device's to refuse.
        with pytest.raises(openjet.RibError) as info:
            rib.add([openjet.route("2001:db8:2::/48", ["2001:db8::1"], table="inet.0")])
        assert info.value.sub_code == "PREFIX_INVALID"
        assert rib.delete(["2001:db8:1::/48"]) == 1
        assert "2001:db8:1::/48" not in [openjet.prefix_of(e) for e in rib.get("::/0")]
    finally:
        ch.close()


def test_address_bytes_initialization_still_reads_as_text(routed_jetd):
    ch, rib = session(routed_jetd, "py-bytes", address_bytes=True)
    try:
        rib.add([openjet.route("10.2.0.0/16", "192.0.2.1"),
                 openjet.route("2001:db8:7::/48", ["2001:db8::1"])])
        (v4,) = list(rib.get("10.2.0.0/16", match="exact"))
        assert v4.key.dest_prefix.inet.WhichOneof("addr_format") == "addr_bytes"
        assert v4.key.dest_prefix.inet.addr_bytes == bytes([10, 2, 0, 0])
        assert v4.nexthop.gateways[0].gateway_address.inet.addr_bytes == bytes([192, 0, 2, 1])
        assert openjet.prefix_of(v4) == "10.2.0.0/16"
        assert openjet.gateways_of(v4) == ["192.0.2.1"]
        (v6,) = list(rib.get("2001:db8:7::/48", match="exact"))
        assert len(v6.key.dest_prefix.inet6.addr_bytes) == 16
        assert openjet.prefix_of(v6) == "2001:db8:7::/48"
        assert openjet.gateways_of(v6) == ["2001:db8::1"]
    finally:
        ch.close()


def test_subscribe_sees_end_of_table_then_changes_from_another_channel(fresh_jetd):
    ch, rib = session(fresh_jetd, "py-watcher")
    writer_ch, writer = session(fresh_jetd, "py-writer")
    events: queue.Queue = queue.Queue()
    try:
        writer.add([openjet.route("10.1.0.0/16", "192.0.2.1")])
        subscription = rib.subscribe(table="inet.0", route_count=10)

        def reader():
            try:
                for op, entry in subscription:
                    events.put((op, None if entry is None else openjet.prefix_of(entry),
                                None if entry is None else openjet.gateways_of(entry)))
                events.put("stopped")
            except Exception as exc:  # surfaced by the asserts below
                events.put(exc)

        threading.Thread(target=reader, daemon=True).start()
        # The table as it was, then the marker.
        assert events.get(timeout=10) == ("ADD", "10.1.0.0/16", ["192.0.2.1"])
        assert events.get(timeout=10) == ("END_OF_TABLE", None, None)

        writer.add([openjet.route("10.2.0.0/16", "192.0.2.2")])
        assert events.get(timeout=10) == ("ADD", "10.2.0.0/16", ["192.0.2.2"])
        writer.delete(["10.1.0.0/16"])
        assert events.get(timeout=10) == ("DELETE", "10.1.0.0/16", [])

        # cancel() ends the iteration cleanly, without a gRPC error.
        subscription.cancel()
        assert events.get(timeout=10) == "stopped"
    finally:
        writer_ch.close()
        ch.close()


def test_subscribe_with_an_unknown_policy_raises_rib_error(fresh_jetd):
    ch, rib = session(fresh_jetd, "py-watcher")
    try:
        with rib.subscribe(policy="NOPE") as subscription:
            with pytest.raises(openjet.RibError) as info:
                next(iter(subscription))
        assert info.value.sub_code == "ROUTE_SUBSCRIBE_POLICY_INVALID"
        assert "NOPE" in info.value.message
    finally:
        ch.close()


def test_purge_timer_is_read_back_with_route_purge_timer_get(fresh_jetd):
    ch, rib = session(fresh_jetd, "py-purge")
    try:
        rib.purge_timer(42)
        raw = base_grpc.BaseStub(ch).RoutePurgeTimerGet(base_pb2.RoutePurgeTimerGetRequest(),
                                                         timeout=30)
        assert raw.time == 42
        assert rib.purge_timer_get() == 42
        for bad in (0, 1001):
            with pytest.raises(openjet.RibError) as info:
                rib.purge_timer(bad)
            assert info.value.sub_code == "INVALID_PARAMS"
            assert info.value.call == "RoutePurgeTimerAdd"
        assert rib.purge_timer_get() == 42, "a refused value changes nothing"
    finally:
        ch.close()


def test_a_new_session_of_the_client_id_is_rebound_and_cleanup_removes_all(routed_jetd):
    ch, rib = session(routed_jetd, "py-rebind")
    rib.add([openjet.route(f"10.{i}.0.0/16", "192.0.2.1") for i in range(1, 4)])
    ch.close()

    ch = routed_jetd.logged_in(routed_jetd.clear_channel(), client_id="py-rebind")
    try:
        rib = openjet.Rib(ch)
        assert rib.initialize() == ("SUCCESS_REBOUND", 3)
        rib.cleanup()
        assert list(rib.get("10.0.0.0/8")) == []
    finally:
        ch.close()


def test_grpc_failures_are_not_wrapped(fresh_jetd):
    ch = fresh_jetd.clear_channel()  # never logged in
    try:
        with pytest.raises(grpc.RpcError) as info:
            openjet.Rib(ch).initialize()
        assert not isinstance(info.value, openjet.JetError)
        assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED
    finally:
        ch.close()
