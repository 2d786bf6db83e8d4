"""The Firewall API end to end from Python, with stubs generated from our protos (through
the openjet.firewall helpers, and raw where a test needs a message the helpers never
build): every RPC, its success and each documented refusal (sub-code + a message naming
the filter, term and field), binding order with a configured filter on the same unit,
counters moved by `test forwarding packet` and by a simulated flow, policer drops under a
flow above its rate, ownership, purge after disconnect and rebind on reconnect."""

import json
import time

import grpc
import pytest

import openjet
from openjet._gen import jnx_common_base_types_pb2 as common_pb2
from openjet._gen import jnx_firewall_service_pb2 as fw_pb2
from openjet._gen import jnx_firewall_service_pb2_grpc as fw_grpc
from openjet.firewall import Counter, Firewall, NEVER_PURGE, add_term, delete_term, replace_term, term

# Two routed units, a static route out of the second, a configured input filter on the
# first and a configured output filter on the second (the same network as the Rust tests).
NET = (
    "interfaces { "
    "ge-0/0/0 { unit 0 { family inet { filter { input cfg-in; } address 10.0.0.1/24; } } } "
    "ge-0/0/1 { unit 0 { family inet { filter { output cfg-out; } address 10.1.0.1/24; } } } } "
    "routing-options { static { route 192.0.2.0/24 next-hop 10.1.0.2; } } "
    "firewall { family inet { "
    "filter cfg-in { term web { from { protocol tcp; destination-port 80; } then { count cfg-web; discard; } } "
    "term rest { then { count cfg-rest; accept; } } } "
    "filter cfg-out { term all { then { count cfg-out-all; accept; } } } } }"
)

UDP53 = (
    "test forwarding packet interface ge-0/0/0.0 source 10.0.0.2 destination 192.0.2.7 "
    "protocol udp destination-port 53 length 120"
)
TCP80 = (
    "test forwarding packet interface ge-0/0/0.0 source 10.0.0.2 destination 192.0.2.7 "
    "protocol tcp destination-port 80 length 60"
)


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    """One device with NET for this module (tests use their own filter names and client ids)."""
    from jetd_harness import start_device

    device = start_device(tmp_path_factory.mktemp("jetd-fw"))
    ch = device.logged_in(device.clear_channel(), client_id="py-fw-setup")
    openjet.config_set(ch, NET)
    ch.close()
    yield device
    device.stop()


def client(device, client_id):
    ch = device.logged_in(device.clear_channel(), client_id=client_id)
    return ch, Firewall(ch)


def refused(call, sub_code, *words):
    with pytest.raises(openjet.FirewallError) as e:
        call()
    err = e.value
    assert err.sub_code == sub_code, str(err)
    assert err.code == common_pb2.FAILURE
    for w in words:
        assert w in err.message, f"{err.message!r} lacks {w!r}"
    return err


def counter_of(ch, filter_name, name):
    """A counter as `show firewall counter` renders it in JSON."""
    out = json.loads(openjet.op_command(ch, f"show firewall counter filter {filter_name} {name}", "json"))
    info = out["firewall-information"][0]["filter-information"][0]
    c = (info.get("counter") or info.get("policer"))[0]
    return int(c["packet-count"][0]["data"]), int(c["byte-count"][0]["data"])


def test_filter_bind_packets_and_counters_in_the_contracts_order(net):
    ch, fw = client(net, "py-order")
    fw.add_policer("py-order-lim", bandwidth=1_000_000, burst=15_000)
    fw.add_filter("py-order", [
        term("dns", protocol="udp", destination_port=53, count="dns", policer="py-order-lim", log=True),
        term("web", protocol="tcp", destination_port=80, count="web", then="accept"),
        term("rest", then="discard"),
    ])
    fw.bind("py-order", "ge-0/0/0.0", "input")
    before_cfg = counter_of(ch, "cfg-in", "cfg-web")
    trace = ""
    for _ in range(3):
        trace = openjet.op_command(ch, UDP53)
    assert fw.counter("py-order", "dns") == Counter(3, 360)
    # Ingress: the client filter runs before the configured one on the same unit.
    client_at = trace.index("Filter: py-order (client py-order) at ge-0/0/0.0 input")
    cfg_at = trace.index("Filter: cfg-in (configuration) at ge-0/0/0.0 input")
    route_at = trace.index("Route: inet.0 192.0.2.0/24")
    assert client_at < cfg_at < route_at, trace
    assert "Disposition: forwarded" in trace
    # The client filter accepts TCP 80; the configured filter after it discards it.
    tcp = openjet.op_command(ch, TCP80)
    assert "discarded by filter cfg-in" in tcp, tcp
    assert fw.counter("py-order", "web") == Counter(1, 60)
    # Configured filters' counters are read through the same RPC.
    assert fw.counter("cfg-in", "cfg-web") == Counter(before_cfg[0] + 1, before_cfg[1] + 60)
    assert counter_of(ch, "py-order", "dns") == (3, 360)
    # Single packets below the burst are in spec.
    assert fw.policer_counter("py-order", "py-order-lim") == Counter(0, 0)
    # `show firewall` lists the filter with its owner; the log has the logged packets.
    show = json.loads(openjet.op_command(ch, "show firewall filter py-order", "json"))
    info = show["firewall-information"][0]["filter-information"][0]
    assert info["client-name"][0]["data"] == "py-order"
    log = openjet.op_command(ch, "show firewall log")
    assert any("py-order" in l and "UDP" in l and "192.0.2.7" in l for l in log.splitlines()), log
    # One counter per call, cleared one at a time.
    fw.clear_counter("py-order", "dns")
    assert fw.counter("py-order", "dns") == Counter(0, 0)
    assert fw.counter("py-order", "web") == Counter(1, 60)
    fw.clear_policer_counter("py-order", "py-order-lim")
    fw.unbind("py-order", "ge-0/0/0.0", "input")
    fw.delete_filter("py-order")
    fw.delete_policer("py-order-lim")
    ch.close()


def test_output_binding_runs_after_the_configured_output_filter(net):
    ch, fw = client(net, "py-out")
    fw.add_filter("py-out", [term("all", count="out-all")])
    fw.bind("py-out", "ge-0/0/1.0", "output")
    trace = openjet.op_command(ch, UDP53)
    cfg_at = trace.index("Filter: cfg-out (configuration) at ge-0/0/1.0 output")
    client_at = trace.index("Filter: py-out (client py-out) at ge-0/0/1.0 output")
    assert trace.index("Route: inet.0") < cfg_at < client_at, trace
    assert "Egress: ge-0/0/1.0" in trace
    assert fw.counter("py-out", "out-all") == Counter(1, 120)
    # A forwarding table is a bind point too.
    fw.add_filter("py-table", [term("t", count="tbl")])
    fw.bind("py-table", "inet.0", "input", table=True)
    openjet.op_command(ch, UDP53)
    assert fw.counter("py-table", "tbl").packets == 1
    fw.unbind("py-table", "inet.0", "input", table=True)
    fw.unbind("py-out", "ge-0/0/1.0", "output")
    fw.delete_filter("py-table")
    fw.delete_filter("py-out")
    ch.close()


def test_modify_adds_replaces_and_deletes_terms_all_or_nothing(net):
    ch, fw = client(net, "py-mod")
    fw.add_filter("py-mod", [term("a", protocol="tcp", then="accept"), term("c", then="discard")])
    fw.modify_filter("py-mod", [
        add_term(term("b", destination_port=22, then="accept"), after="a"),
        add_term(term("first", count="first", then=None, next_term=True), before="a"),
        replace_term(term("c", count="c", then="reject")),
    ])
    text = openjet.op_command(ch, "show firewall filter py-mod")
    assert "first" in text and "c " in text, text
    trace = openjet.op_command(ch, UDP53.replace("ge-0/0/0.0", "ge-0/0/0.0"))
    assert "py-mod" not in trace, "not bound yet"
    fw.bind("py-mod", "ge-0/0/0.0", "input")
    trace = openjet.op_command(ch, UDP53)
    terms = [l.strip() for l in trace.splitlines() if l.startswith("  Term ")]
    assert terms[:2] == ["Term first: count first, next term", "Term c: count c, reject"], trace
    # One bad operation: nothing changes (the deleted term is still there).
    refused(
        lambda: fw.modify_filter("py-mod", [delete_term("b"), add_term(term("x"), after="nope")]),
        "EINVALID_MESSAGE", "filter 'py-mod'", "term 'x'", "adjacency term 'nope' does not exist",
    )
    fw.modify_filter("py-mod", [delete_term("b")])
    refused(lambda: fw.modify_filter("py-mod", [delete_term("b")]), "EINVALID_MESSAGE", "term 'b'")
    # term_op must be set in FilterModify.
    refused(lambda: fw.modify_filter("py-mod", [term("y")]), "EINVALID_MESSAGE", "term 'y'", "term_op")
    # A bound filter cannot be deleted.
    refused(lambda: fw.delete_filter("py-mod"), "EINVALID_MESSAGE", "delete the binding first")
    fw.unbind("py-mod", "ge-0/0/0.0", "input")
    refused(lambda: fw.unbind("py-mod", "ge-0/0/0.0", "input"), "EINVALID_MESSAGE", "is not bound")
    fw.delete_filter("py-mod")
    refused(lambda: fw.delete_filter("py-mod"), "EINVALID_MESSAGE", "filter 'py-mod' does not exist")
    ch.close()


def test_invalid_messages_name_filter_term_and_field_and_change_nothing(net):
    ch, fw = client(net, "py-bad")
    refused(
        lambda: fw.add_filter("py-bad", [term("ok"), term("bad", destination_port=(90, 80))]),
        "EINVALID_MESSAGE", "filter 'py-bad'", "term 'bad'", "destination-port",
    )
    refused(
        lambda: fw.add_filter("py-bad", [term("t", destination="10.0.0.300/8")]),
        "EINVALID_MESSAGE", "term 't'", "ipv4_dst_addrs", "not an IP address",
    )
    refused(
        lambda: fw.add_filter("py-bad", [term("t", policer="no-such-policer")]),
        "EINVALID_MESSAGE", "policer 'no-such-policer' does not exist",
    )
    # Nothing of the refused filters is there.
    assert "py-bad" not in openjet.op_command(ch, "show firewall")
    # Raw messages: a term of another family, a missing type, an unknown family value.
    stub = fw_grpc.FirewallStub(ch)
    r = stub.FilterAdd(fw_pb2.FilterAddRequest(
        name="py-bad", type=fw_pb2.TYPE_CLASSIC, family=fw_pb2.FAMILY_INET6,
        terms_list=[term("t")]), timeout=30)
    assert (r.status.code, r.sub_code) == (common_pb2.FAILURE, fw_pb2.FilterAddResponse.EINVALID_MESSAGE)
    assert "family inet term in a family inet6 filter" in r.status.message
    r = stub.FilterAdd(fw_pb2.FilterAddRequest(name="py-bad", family=fw_pb2.FAMILY_INET), timeout=30)
    assert r.sub_code == fw_pb2.FilterAddResponse.EINVALID_MESSAGE
    assert "type" in r.status.message, r.status.message
    r = stub.FilterAdd(fw_pb2.FilterAddRequest(name="py-bad", type=fw_pb2.TYPE_CLASSIC, family=99), timeout=30)
    assert r.sub_code == fw_pb2.FilterAddResponse.EINVALID_MESSAGE
    assert "family" in r.status.message, r.status.message
    # Bindings: a unit that does not exist, a family that differs from the filter's.
    fw.add_filter("py-bad", [term("a")])
    refused(lambda: fw.bind("py-bad", "ge-0/0/9.0", "input"), "EINVALID_MESSAGE",
            "bind_object", "interface 'ge-0/0/9.0' does not exist")
    req = fw_pb2.FilterObjBindAddRequest(**Firewall._bind_fields("py-bad", "ge-0/0/0.0", "input", "inet", False))
    req.bind_family = fw_pb2.FAMILY_MPLS
    r = stub.FilterBindAdd(req, timeout=30)
    assert r.sub_code == fw_pb2.FilterBindAddResponse.EINVALID_MESSAGE
    assert "bind_family mpls differs" in r.status.message, r.status.message
    refused(lambda: fw.bind("py-bad", "no-such.inet.0", "input", table=True), "EINVALID_MESSAGE",
            "forwarding table 'no-such.inet.0' does not exist")
    refused(lambda: fw.add_filter("py-bad", [term("a")]), "EINVALID_MESSAGE", "filter 'py-bad' already exists")
    fw.delete_filter("py-bad")
    ch.close()


def test_unsupported_families_bind_points_and_matches(net):
    ch, fw = client(net, "py-unsup")
    stub = fw_grpc.FirewallStub(ch)
    for family, name in [(fw_pb2.FAMILY_ES, "FAMILY_ES"), (fw_pb2.FAMILY_VPLS, "FAMILY_VPLS"),
                         (fw_pb2.FAMILY_CCC, "FAMILY_CCC")]:
        r = stub.FilterAdd(fw_pb2.FilterAddRequest(
            name="py-unsup", type=fw_pb2.TYPE_CLASSIC, family=family), timeout=30)
        assert (r.status.code, r.sub_code) == (common_pb2.FAILURE, fw_pb2.FilterAddResponse.EUNSUPPORTED_OP)
        assert "family" in r.status.message and name in r.status.message, r.status.message
    flex = term("flex")
    flex.inet_term.matches.flex_range.CopyFrom(fw_pb2.MatchFlexibleOffsetRange())
    refused(lambda: fw.add_filter("py-unsup", [flex]), "EUNSUPPORTED_OP", "term 'flex'", "flex_range")
    exact = term("exact")
    exact.inet_term.matches.five_tuple_exact.add()
    refused(lambda: fw.add_filter("py-unsup", [exact]), "EUNSUPPORTED_OP", "term 'exact'", "five_tuple_exact")
    fw.add_filter("py-unsup", [term("a")])
    vlan = fw_pb2.FilterObjBindAddRequest(
        filter=fw_pb2.Filter(name="py-unsup", family=fw_pb2.FAMILY_INET),
        obj_type=fw_pb2.BIND_OBJ_TYPE_VLAN,
        bind_object=fw_pb2.FilterBindObjPoint(vlan=fw_pb2.FilterBindObjVlan(vlan_name="v10")),
        bind_direction=fw_pb2.BIND_DIRECTION_INPUT, bind_family=fw_pb2.FAMILY_INET,
    )
    r = stub.FilterBindAdd(vlan, timeout=30)
    assert (r.status.code, r.sub_code) == (common_pb2.FAILURE, fw_pb2.FilterBindAddResponse.EUNSUPPORTED_OP)
    assert "no bridging" in r.status.message, r.status.message
    fw.delete_filter("py-unsup")
    ch.close()


def test_no_resource_at_the_documented_limits(net):
    ch, fw = client(net, "py-limits")
    limits = openjet.op_command(ch, "show firewall limits")
    assert any(l.startswith("terms-per-filter") and l.endswith("65536") for l in limits.splitlines()), limits
    terms = [term(f"t{i}") for i in range(65_537)]
    refused(lambda: fw.add_filter("py-huge", terms), "NO_RESOURCE",
            "filter 'py-huge'", "limit of 65536 terms per filter")
    assert "py-huge" not in openjet.op_command(ch, "show firewall")
    ch.close()


def test_policers_add_modify_delete_and_refusals(net):
    ch, fw = client(net, "py-pol")
    refused(lambda: fw.add_policer("py-p", bandwidth=10, burst=15_000), "EINVALID_MESSAGE",
            "policer 'py-p'", "bandwidth 10 is out of range")
    stub = fw_grpc.FirewallStub(ch)
    wrong = fw_pb2.PolicerAddRequest(**Firewall._two_color("py-p", 1_000_000, 15_000, True, False))
    wrong.type = fw_pb2.TWO_RATE_THREE_COLOR_POLICER
    r = stub.PolicerAdd(wrong, timeout=30)
    assert r.sub_code == fw_pb2.PolicerAddResponse.EINVALID_MESSAGE
    assert "params do not hold" in r.status.message, r.status.message
    fw.add_policer("py-p", bandwidth=1_000_000, burst=15_000)
    refused(lambda: fw.add_policer("py-p", bandwidth=1_000_000, burst=15_000), "EINVALID_MESSAGE", "already exists")
    fw.modify_policer("py-p", bandwidth=2_000_000, burst=15_000)
    assert "py-p" in openjet.op_command(ch, "show policer py-p")
    fw.add_filter("py-pf", [term("t", policer="py-p")])
    refused(lambda: fw.delete_policer("py-p"), "EINVALID_MESSAGE", "used by filter 'py-pf'")
    fw.delete_filter("py-pf")
    fw.delete_policer("py-p")
    refused(lambda: fw.modify_policer("py-p", bandwidth=2_000_000, burst=15_000), "EINVALID_MESSAGE", "py-p")
    ch.close()


def test_counter_refusals_name_the_field(net):
    ch, fw = client(net, "py-cnt")
    fw.add_filter("py-cnt", [term("t", count="hits")])
    refused(lambda: fw.counter("py-cnt", "nope"), "EINVALID_MESSAGE", "counter_name", "no counter 'nope'")
    refused(lambda: fw.counter("py-nofilter", "hits"), "EINVALID_MESSAGE", "filter_name", "'py-nofilter' does not exist")
    refused(lambda: fw.clear_policer_counter("py-cnt", "hits"), "EINVALID_MESSAGE", "no policer counter 'hits'")
    fw.delete_filter("py-cnt")
    ch.close()


def test_a_counter_get_the_forwarding_plane_cannot_serve_in_10_s_answers_timeout(net):
    ch, fw = client(net, "py-timeout")
    fw.add_filter("py-slow", [term("t", count="hits")])
    assert "wait 11 s" in openjet.op_command(ch, "request firewall simulate-statistics-delay 11")
    try:
        start = time.monotonic()
        err = refused(lambda: fw.counter("py-slow", "hits"), "TIMEOUT", "10 s")
        took = time.monotonic() - start
        assert 9.5 <= took <= 12.5, f"answered after {took:.1f} s"
        assert err.response.counter_name == "hits"
        # Other calls are not held up meanwhile, and a short delay is served.
        openjet.op_command(ch, "request firewall simulate-statistics-delay 1")
        assert fw.counter("py-slow", "hits") == Counter(0, 0)
    finally:
        openjet.op_command(ch, "request firewall simulate-statistics-delay 0")
    fw.delete_filter("py-slow")
    ch.close()


def test_another_client_can_neither_bind_modify_nor_delete(net):
    ch, fw = client(net, "py-owner")
    ch2, other = client(net, "py-other")
    fw.add_filter("py-owned", [term("a")])
    fw.add_policer("py-owned-p", bandwidth=1_000_000, burst=15_000)
    for call in (
        lambda: other.bind("py-owned", "ge-0/0/0.0", "input"),
        lambda: other.modify_filter("py-owned", [delete_term("a")]),
        lambda: other.delete_filter("py-owned"),
        lambda: other.delete_policer("py-owned-p"),
    ):
        refused(call, "EINVALID_MESSAGE", "belongs to client 'py-owner'")
    fw.delete_filter("py-owned")
    fw.delete_policer("py-owned-p")
    ch.close()
    ch2.close()


def test_purge_timer_add_get_delete_and_range(net):
    ch, fw = client(net, "py-purge-rpc")
    assert fw.purge_timer() == 120
    fw.set_purge_timer(30)
    assert fw.purge_timer() == 30
    fw.set_purge_timer(NEVER_PURGE)
    assert fw.purge_timer() == NEVER_PURGE
    refused(lambda: fw.set_purge_timer(1001), "EINVALID_MESSAGE", "time", "1001 is out of range 1-1000")
    refused(lambda: fw.set_purge_timer(0), "EINVALID_MESSAGE", "time")
    fw.delete_purge_timer()
    assert fw.purge_timer() == 120
    ch.close()


def client_filters(ch, client_id):
    """Names of the filters `show firewall` lists for a client (JSON)."""
    out = json.loads(openjet.op_command(ch, "show firewall", "json"))
    return [
        f["filter-name"][0]["data"]
        for f in out["firewall-information"][0].get("filter-information", [])
        if f.get("client-name", [{}])[0].get("data") == client_id
    ]


def wait_for(what, cond, timeout=15):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_purge_after_disconnect_and_rebind_on_reconnect(net):
    watcher = net.logged_in(net.clear_channel(), client_id="py-watch")
    # Purged: 2 s after the client's last session ends, filters and bindings go.
    ch, fw = client(net, "py-gone")
    fw.set_purge_timer(2)
    fw.add_filter("py-gone", [term("a", count="a")])
    fw.bind("py-gone", "ge-0/0/0.0", "input")
    ch.close()
    time.sleep(1)
    assert client_filters(watcher, "py-gone") == ["py-gone"], "kept during the purge time"
    wait_for("purge", lambda: client_filters(watcher, "py-gone") == [])
    assert "py-gone" not in openjet.op_command(watcher, UDP53)
    # Rebound: a call of the same client id within the purge time keeps them, bound.
    ch, fw = client(net, "py-back")
    fw.set_purge_timer(3)
    fw.add_filter("py-back", [term("a", count="a")])
    fw.bind("py-back", "ge-0/0/0.0", "input")
    ch.close()
    time.sleep(1)
    ch, fw = client(net, "py-back")
    assert fw.purge_timer() == 3  # any call cancels the purge
    time.sleep(4)
    assert client_filters(watcher, "py-back") == ["py-back"]
    openjet.op_command(watcher, UDP53)
    assert fw.counter("py-back", "a").packets == 1, "still bound"
    fw.unbind("py-back", "ge-0/0/0.0", "input")
    fw.delete_filter("py-back")
    ch.close()
    watcher.close()


def interface_counters(ch, name):
    """The physical interface's traffic statistics of `show interfaces NAME extensive`:
    {"Input packets": [count, pps], "Output bytes": [count, bps], ...}."""
    out = openjet.op_command(ch, f"show interfaces {name} extensive")
    vals = {}
    for line in out.splitlines():
        s = " ".join(line.split())
        for key in ("Input packets:", "Output packets:", "Input bytes :", "Output bytes :"):
            if s.startswith(key):
                nums = [int(w) for w in s[len(key):].split() if w.isdigit()]
                vals.setdefault(key.rstrip(" :"), nums)
    return vals, out


def test_a_flow_above_the_policer_rate_is_policed_and_counted(net):
    """1 Mbit/s policer; the flow offers 1000 pps of 500 bytes (4 Mbit/s): once the
    policer has seen a second of that rate, three quarters are out of spec and dropped."""
    ch, fw = client(net, "py-flow")
    fw.add_policer("py-flow-lim", bandwidth=1_000_000, burst=15_000)
    fw.add_filter("py-flow", [
        term("udp", protocol="udp", count="udp", policer="py-flow-lim", then="accept"),
    ])
    fw.bind("py-flow", "ge-0/0/0.0", "input")
    try:
        before, _ = interface_counters(ch, "ge-0/0/0")
        out = openjet.op_command(
            ch,
            "request interface simulate-traffic ge-0/0/0.0 source 10.0.0.2/16 destination 192.0.2.1/10 "
            "rate 1000 size 500 protocol udp destination-port 53 duration 4",
        )
        assert "started on ge-0/0/0.0: 1000 pps" in out, out
        wait_for("flow end", lambda: "ge-0/0/0.0" not in openjet.op_command(ch, "show simulated-traffic"), 15)
        udp = fw.counter("py-flow", "udp")
        assert 3_800 <= udp.packets <= 4_200, udp
        assert udp.bytes == udp.packets * 500
        dropped = fw.policer_counter("py-flow", "py-flow-lim")
        # The first second is judged against the rate of the second before it (none).
        assert 1_800 <= dropped.packets <= 3_200, dropped
        assert dropped.bytes == dropped.packets * 500
        after, text = interface_counters(ch, "ge-0/0/0")
        assert after["Input packets"][0] - before["Input packets"][0] >= 3_800, text
    finally:
        fw.unbind("py-flow", "ge-0/0/0.0", "input")
        fw.delete_filter("py-flow")
        fw.delete_policer("py-flow-lim")
        ch.close()


def test_a_flow_rate_shows_in_show_interfaces_while_it_runs(net):
    ch, fw = client(net, "py-rate")
    out = openjet.op_command(
        ch,
        "request interface simulate-traffic ge-0/0/0.0 source 10.0.0.2 destination 192.0.2.1 "
        "rate 2000 size 100 protocol udp destination-port 9",
    )
    flow_id = out.split()[1]
    try:
        def rate():
            vals, _ = interface_counters(ch, "ge-0/0/1")
            return vals.get("Output packets", [0, 0])[-1]
        wait_for("output rate", lambda: 1_800 <= rate() <= 2_200, 10)
    finally:
        assert openjet.op_command(ch, f"request interface simulate-traffic stop {flow_id}") == "1 flow(s) stopped\n"
    with pytest.raises(openjet.JetError) as e:
        openjet.op_command(ch, "request interface simulate-traffic ge-0/0/9.0 source 10.0.0.2 destination 192.0.2.1 rate 10")
    assert "interface 'ge-0/0/9.0' does not exist" in str(e.value)
    ch.close()


def test_without_login_the_service_is_refused(net):
    ch = net.clear_channel()
    with pytest.raises(grpc.RpcError) as e:
        fw_grpc.FirewallStub(ch).FiltersPurgeTimerGet(fw_pb2.FiltersPurgeTimerGetRequest(), timeout=30)
    assert e.value.code() == grpc.StatusCode.UNAUTHENTICATED
    ch.close()


def test_filter_events_are_published_as_jet_events_on_mqtt(net):
    """FilterAdd, FilterModify, bind, unbind and FilterDelete each publish a jet-event on
    /junos/events/kernel/firewall/filter/{add,change,delete}/<filter>, received here by a
    real MQTT client (paho)."""
    import queue

    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    got = queue.Queue()
    sub = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="py-fw-events", protocol=mqtt.MQTTv311)
    sub.on_message = lambda _c, _u, m: got.put((m.topic, json.loads(m.payload)))
    subscribed = queue.Queue()
    sub.on_subscribe = lambda *_a: subscribed.put(True)
    sub.connect("127.0.0.1", net.mqtt_port, keepalive=30)
    sub.loop_start()
    try:
        sub.subscribe("/junos/events/kernel/firewall/#", 1)
        subscribed.get(timeout=10)
        ch, fw = client(net, "py-events")
        fw.add_filter("py-ev", [term("a", count="a")])
        fw.modify_filter("py-ev", [add_term(term("b", then="discard"))])
        fw.bind("py-ev", "ge-0/0/0.0", "input")
        fw.unbind("py-ev", "ge-0/0/0.0", "input")
        fw.delete_filter("py-ev")
        # A refused call publishes nothing.
        with pytest.raises(openjet.FirewallError):
            fw.delete_filter("py-ev")
        events = []
        deadline = time.monotonic() + 10
        while len(events) < 5 and time.monotonic() < deadline:
            try:
                events.append(got.get(timeout=max(0.01, deadline - time.monotonic())))
            except queue.Empty:
                break
        base = "/junos/events/kernel/firewall/filter"
        assert [t for t, _ in events] == [
            f"{base}/add/py-ev", f"{base}/change/py-ev", f"{base}/change/py-ev",
            f"{base}/change/py-ev", f"{base}/delete/py-ev",
        ], events
        evs = [e["jet-event"] for _, e in events]
        assert [e["event-id"] for e in evs] == [
            "KERNEL_EVENT_FIREWALL_FILTER_ADD"] + ["KERNEL_EVENT_FIREWALL_FILTER_CHANGE"] * 3 + [
            "KERNEL_EVENT_FIREWALL_FILTER_DELETE"]
        assert all((e["severity"], e["facility"], e["hostname"]) == ("info", "KERNEL", "pytest-dev") for e in evs)
        attrs = [e["attributes"] for e in evs]
        assert [a["version"] for a in attrs] == ["1", "2", "3", "4", "5"]
        assert {a["client-id"] for a in attrs} == {"py-events"}
        assert {(a["name"], a["protocol"], a["filter-type"]) for a in attrs} == {("py-ev", "inet", "classic")}
        assert [(a["interface-name"], a["flags"]) for a in attrs[2:4]] == [
            ("ge-0/0/0.0", "bind-input"), ("ge-0/0/0.0", "unbind-input")]
        assert got.empty(), got.get()
        # A commit that adds a configured filter publishes it too, without a client id.
        openjet.config_set(ch, "firewall { family inet { filter py-cfg { term t { then accept; } } } }")
        topic, ev = got.get(timeout=10)
        assert topic == f"{base}/add/py-cfg", topic
        assert (ev["jet-event"]["attributes"]["client-id"], ev["jet-event"]["attributes"]["flags"]) == (
            "", "configuration")
        openjet.config_set(ch, "firewall { family inet { replace: filter py-cfg { term t { then discard; } } } }")
        topic, _ = got.get(timeout=10)
        assert topic == f"{base}/change/py-cfg", topic
        ch.close()
    finally:
        sub.loop_stop()
        sub.disconnect()
