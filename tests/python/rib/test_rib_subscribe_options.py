"""RouteSubscribe from a Python app that asked for addresses as bytes at RouteInitialize
and filters the stream through a policy configured with ConfigSet."""

import ipaddress
import queue
import threading

import grpc
import openjet

from openjet._gen import jnx_common_addr_types_pb2 as addr_pb2
from openjet._gen import jnx_common_base_types_pb2 as common_pb2
from openjet._gen import jnx_routing_base_types_pb2 as base_types_pb2
from openjet._gen import jnx_routing_rib_service_pb2 as rib_pb2
from openjet._gen import jnx_routing_rib_service_pb2_grpc as rib_grpc

from rib_helpers import route

POLICY = """
policy-options {
    policy-statement TEN-ONLY {
        term ten { from { route-filter 10.0.0.0/8 orlonger; } then accept; }
        term rest { then reject; }
    }
}
"""


def text_of(entry) -> str:
    """`a.b.c.d/len` of a route whose destination came as 4 raw bytes."""
    k = entry.key
    assert k.dest_prefix.inet.WhichOneof("addr_format") == "addr_bytes", k
    raw = k.dest_prefix.inet.addr_bytes
    assert len(raw) == 4
    return f"{ipaddress.IPv4Address(raw)}/{k.dest_prefix_len}"


def subscribe(stub, policy: str):
    req = rib_pb2.RouteSubscribeRequest(
        table_name=base_types_pb2.RouteTableName(name="inet.0"),
        operation=rib_pb2.SUBSCRIBE_ADD, context=3, route_count=10,
        policy=rib_pb2.RouteSubscribePolicy(policy=policy))
    return stub.RouteSubscribe(req)


def test_policy_subscription_with_address_bytes(fresh_jetd):
    ch = fresh_jetd.logged_in(fresh_jetd.clear_channel(), client_id="py-sub-opts")
    try:
        assert openjet.config_set(ch, POLICY, load_type="merge").status.code == common_pb2.SUCCESS
        rib = rib_grpc.RibStub(ch)
        init = rib.RouteInitialize(
            rib_pb2.RouteInitializeRequest(default_response_address_format=addr_pb2.ADDRESS_BYTES),
            timeout=30)
        assert init.sub_code == rib_pb2.SUCCESS

        # A policy that is not configured is refused, naming it.
        refused = list(subscribe(rib, "NOPE"))
        assert len(refused) == 1
        assert refused[0].sub_code == rib_pb2.ROUTE_SUBSCRIBE_POLICY_INVALID
        assert "NOPE" in refused[0].status.message

        added = rib.RouteAdd(rib_pb2.RouteUpdateRequest(
            routes=[route("10.1.0.0/16"), route("192.0.2.0/24")]), timeout=30)
        assert added.operations_completed == 2

        stream = subscribe(rib, "TEN-ONLY")
        events = queue.Queue()

        def reader():
            try:
                for msg in stream:
                    for e in msg.routes:
                        events.put((e.operation, text_of(e.route) if e.HasField("route") else None,
                                    e.route.nexthop.gateways[0].gateway_address.inet.addr_bytes
                                    if e.route.nexthop.gateways else None))
            except grpc.RpcError:
                pass

        threading.Thread(target=reader, daemon=True).start()
        assert events.get(timeout=10) == (
            rib_pb2.ROUTE_SUBSCRIBE_OP_ADD, "10.1.0.0/16", bytes([192, 0, 2, 1]))
        assert events.get(timeout=10)[0] == rib_pb2.ROUTE_SUBSCRIBE_OP_END_OF_TABLE

        # Changes: the rejected route is not streamed, the accepted one is.
        rib.RouteAdd(rib_pb2.RouteUpdateRequest(routes=[route("198.51.100.0/24")]), timeout=30)
        rib.RouteAdd(rib_pb2.RouteUpdateRequest(routes=[route("10.2.0.0/16")]), timeout=30)
        assert events.get(timeout=10)[:2] == (rib_pb2.ROUTE_SUBSCRIBE_OP_ADD, "10.2.0.0/16")
        stream.cancel()
    finally:
        ch.close()
