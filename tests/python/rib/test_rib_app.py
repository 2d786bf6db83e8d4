"""A JET app from stubs of our protos: initialize, program, read, subscribe, disconnect,
reconnect within the purge time and find its routes rebound; after the purge time they
are gone."""

import queue
import threading
import time

import grpc

from openjet._gen import jnx_common_base_types_pb2 as common_pb2
from openjet._gen import jnx_routing_base_service_pb2 as base_pb2
from openjet._gen import jnx_routing_base_service_pb2_grpc as base_grpc
from openjet._gen import jnx_routing_base_types_pb2 as base_types_pb2
from openjet._gen import jnx_routing_rib_service_pb2 as rib_pb2
from openjet._gen import jnx_routing_rib_service_pb2_grpc as rib_grpc

from rib_helpers import key, prefix_of, route

CLIENT = "py-rib-app"
SUCCESS = common_pb2.SUCCESS


def connect(dev):
    ch = dev.logged_in(dev.clear_channel(), client_id=CLIENT)
    return ch, rib_grpc.RibStub(ch)


def get_all(stub, prefix="10.0.0.0/8"):
    req = rib_pb2.RouteGetRequest(key=key(prefix), match_type=rib_pb2.EXACT_OR_LONGER, route_count=2)
    msgs = list(stub.RouteGet(req, timeout=30))
    assert msgs, "at least the end marker"
    assert len(msgs[-1].routes) == 0, "the stream ends with an empty message"
    for m in msgs:
        assert m.status.code == SUCCESS
    return [prefix_of(r) for m in msgs for r in m.routes]


def test_app_programs_reads_subscribes_and_is_rebound_after_reconnect(fresh_jetd):
    ch, rib = connect(fresh_jetd)
    init = rib.RouteInitialize(rib_pb2.RouteInitializeRequest(), timeout=30)
    assert init.status.code == SUCCESS
    assert init.sub_code == rib_pb2.SUCCESS
    assert init.num_client_routes == 0

    # Subscribe first: full table (empty), end of table, then our changes.
    sub_req = rib_pb2.RouteSubscribeRequest(
        table_name=base_types_pb2.RouteTableName(name="inet.0"),
        operation=rib_pb2.SUBSCRIBE_ADD, context=7, route_count=10)
    events = queue.Queue()
    stream = rib.RouteSubscribe(sub_req)

    def reader():
        try:
            for msg in stream:
                for e in msg.routes:
                    events.put((msg.context, e.operation, prefix_of(e.route) if e.HasField("route") else None))
        except grpc.RpcError:
            pass

    threading.Thread(target=reader, daemon=True).start()
    assert events.get(timeout=10) == (7, rib_pb2.ROUTE_SUBSCRIBE_OP_END_OF_TABLE, None)

    added = rib.RouteAdd(rib_pb2.RouteUpdateRequest(routes=[route("10.1.0.0/16"), route("10.2.0.0/16"), route("10.3.0.0/16")]), timeout=30)
    assert (added.status.code, added.operations_completed) == (SUCCESS, 3)
    seen = {events.get(timeout=10) for _ in range(3)}
    assert seen == {(7, rib_pb2.ROUTE_SUBSCRIBE_OP_ADD, p) for p in ("10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16")}

    # A bad entry stops the batch; the first one is applied.
    bad = rib.RouteAdd(rib_pb2.RouteUpdateRequest(routes=[route("10.4.0.0/16"), route("10.5.0.1/16")]), timeout=30)
    assert bad.sub_code == rib_pb2.PREFIX_LEN_TOO_SHORT
    assert bad.operations_completed == 1
    assert bad.status.message.startswith("route 1:")

    assert get_all(rib) == ["10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16", "10.4.0.0/16"]

    stream.cancel()
    ch.close()

    # Reconnect within the purge time (default 120 s): the routes are rebound.
    ch, rib = connect(fresh_jetd)
    again = rib.RouteInitialize(rib_pb2.RouteInitializeRequest(), timeout=30)
    assert again.sub_code == rib_pb2.SUCCESS_REBOUND
    assert again.num_client_routes == 4
    assert get_all(rib) == ["10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16", "10.4.0.0/16"]

    # With a 1 s purge timer, a disconnect makes them go.
    base = base_grpc.BaseStub(ch)
    assert base.RoutePurgeTimerAdd(base_pb2.RoutePurgeTimerAddRequest(time=1), timeout=30).status.code == SUCCESS
    assert base.RoutePurgeTimerGet(base_pb2.RoutePurgeTimerGetRequest(), timeout=30).time == 1
    ch.close()
    # Watch from another client id (RouteSummaryGet does not rebind anything).
    observer = fresh_jetd.logged_in(fresh_jetd.clear_channel(), client_id="py-observer")
    watch = base_grpc.BaseStub(observer)

    def owned():
        s = watch.RouteSummaryGet(base_pb2.RtSummaryGetRequest(all_clients=True), timeout=30)
        if CLIENT not in s.client_rt_summary:
            return 0
        lists = s.client_rt_summary[CLIENT].protocol_rt_summary.values()
        return sum(e.primary_rt_count for lst in lists for e in lst.rt_summary)

    deadline = time.monotonic() + 20
    while owned() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert owned() == 0, "purged after the purge time"
    observer.close()
    ch, rib = connect(fresh_jetd)
    init = rib.RouteInitialize(rib_pb2.RouteInitializeRequest(), timeout=30)
    assert (init.sub_code, init.num_client_routes) == (rib_pb2.SUCCESS, 0)
    assert get_all(rib) == []
    ch.close()
