"""OpenJET's Traffic service (openjet.traffic.v1) end to end from Python, with stubs
generated from our protos (python/gen_stubs.sh) against a real jetd: each RPC, a Firewall
API counting filter bound to the flow's unit growing while the flow runs and not after
FlowStop, a packet test naming the matched term, and each refusal as its gRPC code with a
message naming the field, the flow or the limit."""

import time

import grpc
import pytest

import openjet
from openjet._gen import traffic_pb2 as pb
from openjet._gen import traffic_pb2_grpc as pb_grpc
from openjet.firewall import Firewall, term

# Two routed units, a static route out of the second, a configured input filter on the first
# (the same network as test_firewall.py and the Rust tests).
NET = (
    "interfaces { "
    "ge-0/0/0 { unit 0 { family inet { filter { input cfg-in; } address 10.0.0.1/24; } } } "
    "ge-0/0/1 { unit 0 { family inet { address 10.1.0.1/24; } } } } "
    "routing-options { static { route 192.0.2.0/24 next-hop 10.1.0.2; } } "
    "firewall { family inet { "
    "filter cfg-in { term rest { then { count cfg-rest; accept; } } } } }"
)

FLOW_LIMIT = 1024


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    """One device with NET for this module."""
    from jetd_harness import start_device

    device = start_device(tmp_path_factory.mktemp("jetd-traffic"))
    ch = device.logged_in(device.clear_channel(), client_id="py-tr-setup")
    openjet.config_set(ch, NET)
    ch.close()
    yield device
    device.stop()


@pytest.fixture
def traffic(net):
    """A logged-in channel and its Traffic stub; every flow is stopped afterwards."""
    ch = net.logged_in(net.clear_channel(), client_id="py-traffic")
    stub = pb_grpc.TrafficStub(ch)
    yield ch, stub
    stub.FlowStop(pb.FlowStopRequest(all=True), timeout=10)
    ch.close()


def flow(pps=100, size=200, **kw):
    return pb.FlowStartRequest(
        interface=kw.pop("interface", "ge-0/0/0.0"),
        pps=pps,
        packet_size=size,
        source=pb.AddressRange(first=kw.pop("source", "10.0.0.2")),
        destination=pb.AddressRange(first=kw.pop("destination", "192.0.2.1")),
        **kw,
    )


def refused(call, code, *words):
    with pytest.raises(grpc.RpcError) as e:
        call()
    err = e.value
    assert err.code() == code, err.details()
    for w in words:
        assert w in err.details(), f"{err.details()!r} lacks {w!r}"
    return err


def test_flow_start_list_stop(traffic):
    _, t = traffic
    r = t.FlowStart(flow(bps=8_000_000, size=1000, protocol=6,
                         destination_ports=pb.PortRange(low=80, high=81)), timeout=10)
    assert r.flow_id > 0 and r.pps == 1000
    flows = t.FlowList(pb.FlowListRequest(), timeout=10).flows
    assert [f.flow_id for f in flows] == [r.flow_id]
    f = flows[0]
    assert (f.interface, f.protocol, f.packet_size, f.pps, f.bps) == ("ge-0/0/0.0", 6, 1000, 1000, 8_000_000)
    assert (f.destination_ports.low, f.destination_ports.high) == (80, 81)
    assert f.source.first == "10.0.0.2" and f.source.count == 1
    assert t.FlowStop(pb.FlowStopRequest(flow_id=r.flow_id), timeout=10).stopped == 1
    assert list(t.FlowList(pb.FlowListRequest(), timeout=10).flows) == []


def test_bad_fields_are_invalid_argument_naming_the_field(traffic):
    _, t = traffic
    bad = grpc.StatusCode.INVALID_ARGUMENT
    refused(lambda: t.FlowStart(flow(size=7), timeout=10), bad, "packet_size", "7")
    refused(lambda: t.FlowStart(flow(dscp=64), timeout=10), bad, "dscp")
    refused(lambda: t.FlowStart(flow(pps=0), timeout=10), bad, "pps")
    refused(lambda: t.FlowStart(flow(source="10.0.0.x"), timeout=10), bad, "source.first", "10.0.0.x")
    refused(lambda: t.FlowStart(flow(destination="2001:db8::1"), timeout=10), bad, "destination", "family")
    refused(lambda: t.FlowStart(flow(interface="ge-9/9/9.0"), timeout=10), bad, "interface", "ge-9/9/9.0")
    refused(lambda: t.FlowStop(pb.FlowStopRequest(), timeout=10), bad, "flow_id")
    refused(
        lambda: t.PacketTest(pb.PacketTestRequest(interface="ge-0/0/0.0", source="10.0.0.2",
                                                  destination="192.0.2.1", destination_port=70000), timeout=10),
        bad, "destination_port",
    )
    assert list(t.FlowList(pb.FlowListRequest(), timeout=10).flows) == []


def test_unknown_flow_is_not_found(traffic):
    _, t = traffic
    refused(lambda: t.FlowStop(pb.FlowStopRequest(flow_id=987654), timeout=10),
            grpc.StatusCode.NOT_FOUND, "flow 987654")


def test_flow_limit_is_resource_exhausted_naming_the_limit(traffic):
    _, t = traffic
    for _ in range(FLOW_LIMIT):
        t.FlowStart(flow(pps=1), timeout=10)
    refused(lambda: t.FlowStart(flow(pps=1), timeout=10),
            grpc.StatusCode.RESOURCE_EXHAUSTED, f"limit of {FLOW_LIMIT} simulated flows")
    assert t.FlowStop(pb.FlowStopRequest(all=True), timeout=10).stopped == FLOW_LIMIT


def test_bound_counter_grows_with_a_flow_and_stops_with_it(net, traffic):
    ch, t = traffic
    fw = Firewall(ch)
    fw.add_filter("py-tr-watch", [term("udp", protocol="udp", count="udp-in", then="accept")])
    fw.bind("py-tr-watch", "ge-0/0/0.0", "input")
    try:
        r = t.FlowStart(flow(pps=100, size=200, protocol=17), timeout=10)
        # Flows are accounted once a second: wait for two ticks at most a few seconds.
        deadline = time.monotonic() + 10
        while fw.counter("py-tr-watch", "udp-in").packets < 100 and time.monotonic() < deadline:
            time.sleep(0.2)
        grown = fw.counter("py-tr-watch", "udp-in")
        assert grown.packets >= 100 and grown.bytes == grown.packets * 200, grown
        listed = t.FlowList(pb.FlowListRequest(), timeout=10).flows[0]
        assert listed.sent_packets >= grown.packets and listed.delivered_packets == listed.sent_packets
        t.FlowStop(pb.FlowStopRequest(flow_id=r.flow_id), timeout=10)
        at_stop = fw.counter("py-tr-watch", "udp-in")
        time.sleep(1.5)
        assert fw.counter("py-tr-watch", "udp-in") == at_stop, "the counter stops with the flow"
    finally:
        fw.unbind("py-tr-watch", "ge-0/0/0.0", "input")
        fw.delete_filter("py-tr-watch")


def test_packet_test_reports_the_matched_term(traffic):
    ch, t = traffic
    fw = Firewall(ch)
    fw.add_filter("py-tr-guard", [
        term("ssh", protocol="tcp", destination_port=22, count="ssh-drop", then="discard"),
        term("rest", count="rest", then="accept"),
    ])
    fw.bind("py-tr-guard", "ge-0/0/0.0", "input")
    try:
        r = t.PacketTest(pb.PacketTestRequest(interface="ge-0/0/0.0", source="10.0.0.2",
                                              destination="192.0.2.9", protocol=6, destination_port=22),
                         timeout=10)
        assert r.disposition == pb.FILTERED
        assert r.disposition_text == "discarded by filter py-tr-guard term ssh"
        assert [(f.filter, f.owner, [x.term for x in f.terms]) for f in r.filters] == [
            ("py-tr-guard", "client py-traffic", ["ssh"])]
        assert [(c.filter, c.counter) for c in r.counters] == [("py-tr-guard", "ssh-drop")]
        assert fw.counter("py-tr-guard", "ssh-drop").packets == 1

        r = t.PacketTest(pb.PacketTestRequest(interface="ge-0/0/0.0", source="10.0.0.2",
                                              destination="192.0.2.9", protocol=17, destination_port=53,
                                              length=300), timeout=10)
        assert r.disposition == pb.FORWARDED
        assert [f.filter for f in r.filters] == ["py-tr-guard", "cfg-in"]
        assert (r.route.destination, r.route.protocol, r.route.gateway) == ("192.0.2.0/24", "Static", "10.1.0.2")
        assert r.egress_interface == "ge-0/0/1.0"
        assert ("py-tr-guard", "rest") in [(c.filter, c.counter) for c in r.counters]
    finally:
        fw.unbind("py-tr-guard", "ge-0/0/0.0", "input")
        fw.delete_filter("py-tr-guard")


def test_reflection_describes_the_service(net):
    from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

    ch = net.clear_channel()
    db = ProtoReflectionDescriptorDatabase(ch)
    assert "openjet.traffic.v1.Traffic" in set(db.get_services())
    ch.close()
