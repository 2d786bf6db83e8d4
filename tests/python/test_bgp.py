"""The BGP route service from stubs of our protos: BGP_NOT_READY until `protocols bgp`
is committed, then Initialize, RouteAdd with attributes, RouteGet (batches and the final
empty message), a refused entry with its sub-code, `show bgp summary`; and
VersionDiscovery listing what jetd serves."""

import openjet
from openjet._gen import jnx_common_addr_types_pb2 as addr_pb2
from openjet._gen import jnx_common_base_types_pb2 as common_pb2
from openjet._gen import jnx_routing_base_types_pb2 as base_types_pb2
from openjet._gen import jnx_routing_bgp_service_pb2 as bgp_pb2
from openjet._gen import jnx_routing_bgp_service_pb2_grpc as bgp_grpc
from openjet._gen import jnx_version_service_pb2 as vd_pb2
from openjet._gen import jnx_version_service_pb2_grpc as vd_grpc

BGP_CONFIG = (
    "interfaces { ge-0/0/0 { unit 0 { family inet { address 192.0.2.2/24; } } } } "
    "routing-options { autonomous-system 65000; } "
    "protocols { bgp { group rr { type internal; neighbor 192.0.2.1; } } }"
)


def key(prefix: str):
    addr, length = prefix.split("/")
    return bgp_pb2.RouteMatch(
        dest_prefix=base_types_pb2.RoutePrefix(inet=addr_pb2.IpAddress(addr_string=addr)),
        dest_prefix_len=int(length),
        table=base_types_pb2.RouteTable(name=base_types_pb2.RouteTableName(name="inet.0")),
    )


def route(prefix: str, **attrs):
    return bgp_pb2.RouteEntry(
        key=key(prefix),
        protocol_nexthops=[addr_pb2.IpAddress(addr_string="192.0.2.1")],
        **attrs,
    )


def test_bgp_routes_programmed_read_and_shown(fresh_jetd):
    ch = fresh_jetd.logged_in(fresh_jetd.clear_channel(), client_id="py-bgp")
    stub = bgp_grpc.BgpStub(ch)
    r = stub.Initialize(bgp_pb2.InitializeRequest(), timeout=30)
    assert r.sub_code == bgp_pb2.InitializeResponse.BGP_NOT_READY
    assert "protocols bgp" in r.status.message
    openjet.config_set(ch, BGP_CONFIG)
    r = stub.Initialize(bgp_pb2.InitializeRequest(), timeout=30)
    assert r.status.code == common_pb2.SUCCESS
    assert r.sub_code == bgp_pb2.InitializeResponse.SUCCESS

    routes = [route(f"10.0.{i}.0/24") for i in range(5)]
    routes[0].local_preference.value = 300
    routes[0].aspath.aspath = "65001 65002"
    r = stub.RouteAdd(bgp_pb2.RouteUpdateRequest(routes=routes), timeout=30)
    assert r.sub_code == bgp_pb2.RouteOperResponse.SUCCESS
    assert r.operations_completed == 5

    msgs = list(stub.RouteGet(bgp_pb2.RouteGetRequest(route_count=2), timeout=30))
    assert [len(m.routes) for m in msgs] == [2, 2, 1, 0]
    first = msgs[0].routes[0]
    assert first.local_preference.value == 300
    assert first.aspath.aspath == "65001 65002"
    assert first.route_preference.value == 5

    bad = route("10.9.0.0/16")
    bad.protocol_nexthops.append(addr_pb2.IpAddress(addr_string="192.0.2.3"))
    r = stub.RouteAdd(bgp_pb2.RouteUpdateRequest(routes=[route("10.8.0.0/16"), bad]), timeout=30)
    assert r.sub_code == bgp_pb2.RouteOperResponse.NEXTHOP_ECMP_LIMIT
    assert r.operations_completed == 1
    assert "protocol_nexthops" in r.status.message

    text = openjet.op_command(ch, "show bgp summary")
    assert "Groups: 1 Peers: 1 Down peers: 1" in text
    assert [l for l in text.splitlines() if l.startswith("192.0.2.1")][0].endswith("Idle")
    detail = openjet.op_command(ch, "show route 10.0.0.0/24 exact detail")
    assert "Localpref: 300" in detail
    assert "AS path: 65001 65002 I" in detail
    ch.close()


def test_version_discovery_lists_served_services(jetd):
    ch = jetd.logged_in(jetd.clear_channel(), client_id="py-vd")
    vd = vd_grpc.VersionDiscoveryStub(ch)
    services = vd.ServiceListGet(vd_pb2.ServiceListRequest(), timeout=30).service_name
    assert "routing::Bgp" in services and "routing::Rib" in services
    rpcs = vd.RpcListGet(vd_pb2.RpcListRequest(service_name="routing::Bgp"), timeout=30).rpc_name
    assert "RouteSubscribe" in rpcs
    v = vd.ServiceVersionGet(vd_pb2.ServiceVersionRequest(rpc_name="routing::Bgp::RouteGet"), timeout=30)
    assert (v.major, v.minor, v.patch) == (0, 3, 0)
    ch.close()
