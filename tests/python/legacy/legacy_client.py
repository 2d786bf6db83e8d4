"""A child process speaking the older JET generation with Juniper's own stubs.

Juniper's legacy stubs (generated from juniper-jet's `1/` folder, not from our .proto
files) define `authentication.*`, `jnxBase.*` and `routing.*` messages that our own
Python stubs define too, and one Python descriptor pool cannot hold both: so they live in
this child process. It reads one JSON command per line on stdin and answers one JSON line
on stdout, so the test (the parent) can interleave legacy calls with its own
new-generation calls on the same device.

    python legacy_client.py STUB_DIR ADDRESS USER PASSWORD CLIENT_ID

Commands: {"call": "RouteAdd"|"RouteModify"|"RouteUpdate", "routes": [ROUTE...]},
{"call": "RouteRemove", "keys": [KEY...]},
{"call": "RouteRemoveMatching", "prefix": P (optional), "match": M, "cookie": C, "tags": {I: V},
"table": T, "no_table": bool, "match_number": N}, {"call": "RouteGet", "prefix": P, "match": M,
"count": N, "bytes": bool, "table_id": bool}, {"call": "Monitor", "table": T, "count": N,
"op": OP, "expect": N} (reads N monitor entries, or up to the end-of-table marker), {"call": "PurgeTimeConfig", "time": T},
{"call": "PurgeTimeGet"}, {"call": "PurgeTimeUnconfig"}, {"call": "Summary", "family": F},
BgpRoute* (see run_bgp: BgpRouteInitialize/Cleanup/Add/Modify/Update/Remove/Get,
BgpMonitor, BgpMonitorRead, BgpRouteMonitorUnregister/Refresh), RtIf* (see run_rtif:
RtIfInit, RtIfGet, RtIfRegister, RtIfRead, RtIfUnregister, RtIfRefresh),
{"call": "Dcd", "method": M, "fields": {...}} (interface.* services, see run_dcd),
{"call": "Rpc", "method": M, "fields": {...}} (routing.FlexibleTunnel and
registration.Register, see run_rpc),
{"call": "close"} (ends the session), {"call": "login"} (a new session).
ROUTE: {"prefix": "10.1.0.0/24", "gw": "192.0.2.1", "cookie": 0, "pref": 5, "proto": 0,
"metrics": bool, "gw_table": bool, "tag": N}; KEY: {"prefix": ..., "cookie": 0}.
"""

import json
import sys

STUBS, ADDRESS, USER, PASSWORD, CLIENT = sys.argv[1:6]
sys.path.insert(0, STUBS)

import grpc  # noqa: E402
from google.protobuf import json_format  # noqa: E402

import authentication_service_pb2 as auth_pb2  # noqa: E402
import authentication_service_pb2_grpc as auth_grpc  # noqa: E402
import bgp_route_service_pb2 as bgp_pb2  # noqa: E402
import bgp_route_service_pb2_grpc as bgp_grpc  # noqa: E402
import dcd_service_pb2 as dcd_pb2  # noqa: E402
import dcd_service_pb2_grpc as dcd_grpc  # noqa: E402
import flexible_tunnel_service_pb2 as ft_pb2  # noqa: E402
import flexible_tunnel_service_pb2_grpc as ft_grpc  # noqa: E402
import jnx_addr_pb2  # noqa: E402
import jnx_base_types_pb2 as jnx_base_pb2  # noqa: E402
import prpd_common_pb2  # noqa: E402
import prpd_service_pb2  # noqa: E402
import prpd_service_pb2_grpc  # noqa: E402
import registration_service_pb2 as reg_pb2  # noqa: E402
import registration_service_pb2_grpc as reg_grpc  # noqa: E402
import rib_service_pb2  # noqa: E402
import rib_service_pb2_grpc  # noqa: E402
import routing_interface_service_pb2 as rtif_pb2  # noqa: E402
import routing_interface_service_pb2_grpc as rtif_grpc  # noqa: E402


def network_address(addr):
    ip = jnx_addr_pb2.IpAddress(addr_string=addr)
    if ":" in addr:
        return prpd_common_pb2.NetworkAddress(inet6=ip)
    return prpd_common_pb2.NetworkAddress(inet=ip)


def table(name="inet.0"):
    return prpd_common_pb2.RouteTable(rtt_name=prpd_common_pb2.RouteTableName(name=name))


def match_fields(prefix, cookie=0, table_name="inet.0"):
    addr, length = prefix.split("/")
    return rib_service_pb2.RouteMatchFields(
        dest_prefix=network_address(addr), dest_prefix_len=int(length),
        table=table(table_name), cookie=cookie)


def entry(r):
    gws = []
    if r.get("gw"):
        gw = rib_service_pb2.RouteGateway(gateway_address=network_address(r["gw"]),
                                          weight=r.get("weight", 0))
        if r.get("gw_table"):
            gw.table.CopyFrom(table())
        gws.append(gw)
    attrs = rib_service_pb2.RouteAttributes()
    if "pref" in r:
        attrs.preferences[0].value = r["pref"]
    if "tag" in r:
        attrs.tags[0].value = r["tag"]
    if r.get("metrics"):
        attrs.metrics[0].value = 10
    return rib_service_pb2.RouteEntry(
        key=match_fields(r["prefix"], r.get("cookie", 0), r.get("table", "inet.0")),
        nexthop=rib_service_pb2.RouteNexthop(gateways=gws), protocol=r.get("proto", 0),
        attributes=attrs)


def address_text(na):
    which = na.WhichOneof("Af")
    if which == "mpls":
        return str(na.mpls.label)
    ip = getattr(na, which)
    if ip.WhichOneof("AddrFormat") == "addr_bytes":
        return "bytes:" + ip.addr_bytes.hex()
    return ip.addr_string


def route_json(e):
    k = e.key
    t = k.table
    return {
        "prefix": f"{address_text(k.dest_prefix)}/{k.dest_prefix_len}",
        "cookie": k.cookie,
        "table": t.rtt_name.name if t.WhichOneof("RtTableFormat") == "rtt_name" else t.rtt_id.id,
        "gws": [address_text(g.gateway_address) if g.HasField("gateway_address") else g.interface_name
                for g in e.nexthop.gateways],
        "pref": e.attributes.preferences[0].value if 0 in e.attributes.preferences else None,
        "proto": e.protocol,
    }


def route_prefix(addr):
    ip = jnx_addr_pb2.IpAddress(addr_string=addr)
    if ":" in addr:
        return prpd_common_pb2.RoutePrefix(inet6=ip)
    return prpd_common_pb2.RoutePrefix(inet=ip)


def bgp_match(k):
    m = bgp_pb2.BgpRouteMatch(protocol=k.get("proto", 0), path_cookie=k.get("cookie", 0))
    if "prefix" in k:
        addr, length = k["prefix"].split("/")
        m.dest_prefix.CopyFrom(route_prefix(addr))
        m.dest_prefix_len = int(length)
    if k.get("table", "inet.0") is not None:
        m.table.CopyFrom(table(k.get("table", "inet.0")))
    for c in k.get("communities", []):
        m.communities.com_list.add(community_string=c)
    return m


def bgp_entry(r):
    """ROUTE: {"prefix", "nh": [..], "cookie", "proto", "local_pref", "med", "aspath",
    "communities", "cluster_list", "ebgp", "oper_flag", "flags": {...}, "vpn_label",
    "ipip_endpoint", "table"}."""
    addr, length = r["prefix"].split("/")
    e = bgp_pb2.BgpRouteEntry(dest_prefix=route_prefix(addr), dest_prefix_len=int(length),
                              protocol=r.get("proto", 0), path_cookie=r.get("cookie", 0),
                              route_type=1 if r.get("ebgp") else 0,
                              route_oper_flag=r.get("oper_flag", 0))
    if r.get("table", "inet.0") is not None:
        e.table.CopyFrom(table(r.get("table", "inet.0")))
    for nh in r.get("nh", ["192.0.2.1"]):
        e.protocol_nexthops.add(addr_string=nh)
    if "local_pref" in r:
        e.local_preference.value = r["local_pref"]
    if "med" in r:
        e.med.value = r["med"]
    if "aspath" in r:
        e.aspath.aspath_string = r["aspath"]
    for c in r.get("communities", []):
        e.communities.com_list.add(community_string=c)
    for c in r.get("cluster_list", []):
        e.cluster_list.add(value=c)
    if "flags" in r:
        for k, v in r["flags"].items():
            setattr(e.route_flags, k, v)
    if "vpn_label" in r:
        e.vpn_label = r["vpn_label"]
    if "ipip_endpoint" in r:
        t = e.tunnel_attributes.tunnel_list.add()
        t.ipip_tunnel.egress_endpoint.egress_endpoint_address.addr_string = r["ipip_endpoint"]
    return e


def bgp_json(e):
    t = e.table
    return {
        "prefix": f"{route_prefix_text(e.dest_prefix)}/{e.dest_prefix_len}" if e.HasField("dest_prefix") else None,
        "table": t.rtt_name.name if t.WhichOneof("RtTableFormat") == "rtt_name" else t.rtt_id.id,
        "proto": bgp_pb2.RouteProtocol.Name(e.protocol),
        "cookie": e.path_cookie,
        "local_pref": e.local_preference.value if e.HasField("local_preference") else None,
        "med": e.med.value if e.HasField("med") else None,
        "aspath": e.aspath.aspath_string,
        "communities": [c.community_string for c in e.communities.com_list],
        "cluster_list": [c.value for c in e.cluster_list],
        "nh": [address_text_ip(a) for a in e.protocol_nexthops],
        "ebgp": e.route_type == 1,
        "oper_flag": e.route_oper_flag,
        "flags": {"no_advertise": e.route_flags.no_advertise, "no_export": e.route_flags.no_export,
                  "use_nexthop_reject": e.route_flags.use_nexthop_reject,
                  "use_nexthop_fictitious": e.route_flags.use_nexthop_fictitious},
        "pref": e.route_preference.value if e.HasField("route_preference") else None,
    }


def route_prefix_text(p):
    return address_text_ip(getattr(p, p.WhichOneof("RoutePrefixAf")))


def rtif_json(e):
    return {"name": e.name, "index": e.index, "status": rtif_pb2.RoutingInterfaceStatus.Name(e.status),
            "bandwidth": e.bandwidth, "mtu": e.mtu,
            "addresses": [f"{address_text(a.address)}/{a.prefix_length}" for a in e.addresses]}


def address_text_ip(ip):
    if ip.WhichOneof("AddrFormat") == "addr_bytes":
        return "bytes:" + ip.addr_bytes.hex()
    return ip.addr_string


class Session:
    def __init__(self):
        self.channel = None
        self.login()

    def login(self):
        if self.channel is not None:
            self.channel.close()
        self.channel = grpc.insecure_channel(ADDRESS)
        reply = auth_grpc.LoginStub(self.channel).LoginCheck(
            auth_pb2.LoginRequest(user_name=USER, password=PASSWORD, client_id=CLIENT), timeout=30)
        self.rib = rib_service_pb2_grpc.RibStub(self.channel)
        self.base = prpd_service_pb2_grpc.BaseStub(self.channel)
        self.bgp = bgp_grpc.BgpRouteStub(self.channel)
        self.rtif = rtif_grpc.RoutingInterfaceStub(self.channel)
        return {"result": reply.result}

    def oper(self, method, request):
        try:
            reply, call = getattr(self.rib, method).with_call(request, timeout=30)
        except grpc.RpcError as e:
            return {"grpc": e.code().name, "details": e.details()}
        meta = dict(call.initial_metadata())
        return {"status": rib_service_pb2.RouteOperStatus.Name(reply.status),
                "completed": reply.operations_completed,
                "message": meta.get("openjet-message", "")}

    def run(self, cmd):
        call = cmd["call"]
        if call in ("RouteAdd", "RouteModify", "RouteUpdate"):
            req = rib_service_pb2.RouteUpdateRequest(routes=[entry(r) for r in cmd["routes"]])
            return self.oper(call, req)
        if call == "RouteRemove":
            req = rib_service_pb2.RouteRemoveRequest(
                keys=[match_fields(k["prefix"], k.get("cookie", 0)) for k in cmd["keys"]])
            return self.oper(call, req)
        if call == "RouteRemoveMatching":
            key = rib_service_pb2.RouteMatchFields(table=table(cmd.get("table", "inet.0")),
                                                   cookie=cmd.get("cookie", 0))
            if cmd.get("no_table"):
                key.ClearField("table")
            if cmd.get("prefix"):
                addr, length = cmd["prefix"].split("/")
                key.dest_prefix.CopyFrom(network_address(addr))
                key.dest_prefix_len = int(length)
            req = rib_service_pb2.RouteRemoveMatchingRequest(key=key)
            for index, value in cmd.get("tags", {}).items():
                req.extended_match.tags[int(index)].value = value
            req.match_type = cmd["match_number"] if "match_number" in cmd else \
                rib_service_pb2.RouteMatchType.Value(cmd.get("match", "BEST"))
            return self.oper(call, req)
        if call == "RouteGet":
            req = rib_service_pb2.RouteGetRequest(
                key=match_fields(cmd["prefix"], table_name=cmd.get("table", "inet.0")),
                match_type=rib_service_pb2.RouteMatchType.Value(cmd.get("match", "EXACT")),
                active_only=cmd.get("active_only", False),
                reply_address_format=jnx_addr_pb2.ADDRESS_BYTES if cmd.get("bytes") else jnx_addr_pb2.ADDRESS_STRING,
                reply_table_format=prpd_common_pb2.TABLE_ID if cmd.get("table_id") else prpd_common_pb2.TABLE_STRING,
                route_count=cmd.get("count", 0))
            try:
                replies = list(self.rib.RouteGet(req, timeout=30))
            except grpc.RpcError as e:
                return {"grpc": e.code().name, "details": e.details()}
            return {"statuses": [rib_service_pb2.RouteOperStatus.Name(r.status) for r in replies],
                    "sizes": [len(r.routes) for r in replies],
                    "routes": [route_json(e) for r in replies for e in r.routes]}
        if call == "Monitor":
            req = rib_service_pb2.RouteMonitorRegRequest(
                rt_tbl_name=prpd_common_pb2.RouteTableName(name=cmd.get("table", "inet.0")),
                monitor_op=rib_service_pb2.RouteMonitorOp.Value(cmd.get("op", "REGISTER_ADD")),
                monitor_ctx=cmd.get("ctx", 0), monitor_reply_route_count=cmd.get("count", 0))
            self.monitor = self.rib.RouteMonitorRegister(req, timeout=60)
            return self.read_monitor(cmd.get("expect", 1))
        if call == "MonitorRead":
            return self.read_monitor(cmd.get("expect", 1))
        if call == "PurgeTimeConfig":
            r = self.base.RoutePurgeTimeConfig(prpd_service_pb2.RtPurgeConfigRequest(time=cmd["time"]), timeout=30)
            return {"ret": prpd_common_pb2.ReturnCode.Name(r.ret_code)}
        if call == "PurgeTimeUnconfig":
            r = self.base.RoutePurgeTimeUnconfig(prpd_service_pb2.RtEmptyRequest(), timeout=30)
            return {"ret": prpd_common_pb2.ReturnCode.Name(r.ret_code)}
        if call == "PurgeTimeGet":
            r = self.base.RoutePurgeTimeGet(prpd_service_pb2.RtEmptyRequest(), timeout=30)
            return {"ret": prpd_common_pb2.ReturnCode.Name(r.ret_code), "time": r.time}
        if call == "Summary":
            r = self.base.RouteSummaryGet(prpd_service_pb2.RtSummaryGetRequest(
                addr_family=prpd_common_pb2.NetworkAddressFamily.Value(cmd.get("family", "FAMILY_ANY")),
                all_clients=cmd.get("all", True)), timeout=30)
            out = {}
            for client, s in r.client_rt_summary.items():
                for proto, lst in s.protocol_rt_summary.items():
                    for e in lst.rt_summary:
                        out[f"{client}/{proto}/{e.rt_tbl_name.name}"] = e.primary_rt_count
            return {"ret": prpd_common_pb2.ReturnCode.Name(r.ret_code), "summary": out}
        if call == "Dcd":
            return self.run_dcd(cmd)
        if call == "Rpc":
            return self.run_rpc(cmd)
        if call.startswith("RtIf"):
            return self.run_rtif(call, cmd)
        if call.startswith("Bgp"):
            return self.run_bgp(call, cmd)
        if call == "close":
            self.channel.close()
            self.channel = None
            return {"closed": True}
        if call == "login":
            return self.login()
        return {"error": f"unknown call {call}"}

    def bgp_unary(self, method, request, status_enum):
        try:
            reply, c = getattr(self.bgp, method).with_call(request, timeout=30)
        except grpc.RpcError as e:
            return {"grpc": e.code().name, "details": e.details()}
        out = {"status": status_enum.Name(reply.status),
               "message": dict(c.initial_metadata()).get("openjet-message", "")}
        if hasattr(reply, "operations_completed"):
            out["completed"] = reply.operations_completed
        return out

    def run_bgp(self, call, cmd):
        if call == "BgpRouteInitialize":
            return self.bgp_unary(call, bgp_pb2.BgpRouteInitializeRequest(),
                                  bgp_pb2.BgpRouteInitializeReply.BgpRouteInitializeStatus)
        if call == "BgpRouteCleanup":
            return self.bgp_unary(call, bgp_pb2.BgpRouteCleanupRequest(),
                                  bgp_pb2.BgpRouteCleanupReply.BgpRouteCleanupStatus)
        if call in ("BgpRouteAdd", "BgpRouteModify", "BgpRouteUpdate"):
            req = bgp_pb2.BgpRouteUpdateRequest(bgp_routes=[bgp_entry(r) for r in cmd["routes"]])
            return self.bgp_unary(call, req, bgp_pb2.BgpRouteOperReply.BgpRouteOperStatus)
        if call == "BgpRouteRemove":
            req = bgp_pb2.BgpRouteRemoveRequest(or_longer=cmd.get("or_longer", False),
                                                bgp_routes=[bgp_match(k) for k in cmd["keys"]])
            return self.bgp_unary(call, req, bgp_pb2.BgpRouteOperReply.BgpRouteOperStatus)
        if call == "BgpRouteGet":
            req = bgp_pb2.BgpRouteGetRequest(
                or_longer=cmd.get("or_longer", False), active_only=cmd.get("active_only", False),
                reply_address_format=cmd.get("address_format", 0),
                reply_table_format=cmd.get("table_format", 0), route_count=cmd.get("count", 0))
            if "match" in cmd:
                req.bgp_route.CopyFrom(bgp_match(cmd["match"]))
            try:
                call_ = self.bgp.BgpRouteGet(req, timeout=30)
                replies = list(call_)
                meta = dict(call_.initial_metadata())
            except grpc.RpcError as e:
                return {"grpc": e.code().name, "details": e.details()}
            st = bgp_pb2.BgpRouteGetReply.BgpRouteGetStatus
            return {"statuses": [st.Name(r.status) for r in replies],
                    "sizes": [len(r.bgp_routes) for r in replies],
                    "routes": [bgp_json(e) for r in replies for e in r.bgp_routes],
                    "message": meta.get("openjet-message", "")}
        if call == "BgpMonitor":
            req = bgp_pb2.BgpRouteMonitorRegisterRequest(
                reply_address_format=cmd.get("address_format", 0),
                reply_table_format=cmd.get("table_format", 0), route_count=cmd.get("count", 0))
            self.bgp_monitor = self.bgp.BgpRouteMonitorRegister(req, timeout=60)
            return self.read_bgp_monitor(cmd.get("expect", 1))
        if call == "BgpMonitorRead":
            return self.read_bgp_monitor(cmd.get("expect", 1))
        if call == "BgpRouteMonitorUnregister":
            return self.bgp_unary(call, bgp_pb2.BgpRouteMonitorUnregisterRequest(),
                                  bgp_pb2.BgpRouteMonitorUnregisterReply.BgpRouteMonitorUnregisterStatus)
        if call == "BgpRouteMonitorRefresh":
            return self.bgp_unary(call, bgp_pb2.BgpRouteMonitorRefreshRequest(),
                                  bgp_pb2.BgpRouteMonitorRefreshReply.BgpRouteMonitorRefreshStatus)
        return {"error": f"unknown call {call}"}

    DCD = {
        "InterfaceCreate": ("InterfacesService", "InterfaceConfig"),
        "InterfaceDelete": ("InterfacesService", "InterfaceConfig"),
        "InterfaceLogicalCreate": ("InterfacesService", "InterfaceLogicalConfig"),
        "InterfaceLogicalDelete": ("InterfacesService", "InterfaceLogicalConfig"),
        "InterfaceFamilyCreate": ("InterfacesService", "InterfaceFamilyConfig"),
        "InterfaceFamilyDelete": ("InterfacesService", "InterfaceFamilyConfig"),
        "InterfaceAddressCreate": ("InterfacesService", "InterfaceAddressConfig"),
        "InterfaceAddressDelete": ("InterfacesService", "InterfaceAddressConfig"),
        "InterfaceRTAddressCreate": ("InterfacesService", "RTConfig"),
        "InterfaceRTAddressDelete": ("InterfacesService", "RTConfig"),
        "InterfacesQueryAttribute": ("AttrQueryService", "AttributeRequestInfo"),
        "isObjectOwner": ("ObjectQueryService", "ObjectOwnershipQuery"),
        "setClientTimeout": ("TimeoutService", "TimeoutInfo"),
        "isPublicIfl": ("PublicIflService", "InterfaceLogicalConfig"),
    }

    def run_dcd(self, cmd):
        """{"call": "Dcd", "method": M, "fields": {...}} (the request in protobuf JSON
        form); answers the reply as a dict with enum names and every field."""
        service, message = self.DCD[cmd["method"]]
        stub = getattr(dcd_grpc, f"{service}Stub")(self.channel)
        req = json_format.ParseDict(cmd.get("fields", {}), getattr(dcd_pb2, message)())
        try:
            reply = getattr(stub, cmd["method"])(req, timeout=30)
        except grpc.RpcError as e:
            return {"grpc": e.code().name, "details": e.details()}
        return json_format.MessageToDict(reply, always_print_fields_with_no_presence=True,
                                         preserving_proto_field_name=True)

    RPC = {
        "FlexibleTunnelAdd": (ft_grpc.FlexibleTunnelStub, ft_pb2.FlexibleTunnelAddRequest),
        "FlexibleTunnelUpdate": (ft_grpc.FlexibleTunnelStub, ft_pb2.FlexibleTunnelUpdateRequest),
        "FlexibleTunnelDelete": (ft_grpc.FlexibleTunnelStub, ft_pb2.FlexibleTunnelDeleteRequest),
        "FlexibleTunnelGet": (ft_grpc.FlexibleTunnelStub, ft_pb2.FlexibleTunnelGetRequest),
        "RegisterService": (reg_grpc.RegisterStub, reg_pb2.RegisterRequest),
    }

    def run_rpc(self, cmd):
        """{"call": "Rpc", "method": M, "fields": {...}}: a unary call of routing.FlexibleTunnel
        or registration.Register with the request in protobuf JSON form; answers the reply as
        a dict (enum names, every field, proto field names)."""
        stub_class, request_class = self.RPC[cmd["method"]]
        req = json_format.ParseDict(cmd.get("fields", {}), request_class())
        try:
            reply = getattr(stub_class(self.channel), cmd["method"])(req, timeout=30)
        except grpc.RpcError as e:
            return {"grpc": e.code().name, "details": e.details()}
        return json_format.MessageToDict(reply, always_print_fields_with_no_presence=True,
                                         preserving_proto_field_name=True)

    def rtif_unary(self, method, request, sub_enum, entry=False):
        try:
            reply, c = getattr(self.rtif, method).with_call(request, timeout=30)
        except grpc.RpcError as e:
            return {"grpc": e.code().name, "details": e.details()}
        out = {"code": jnx_base_pb2.StatusCode.Name(reply.code), "sub": sub_enum.Name(reply.sub_code),
               "message": dict(c.initial_metadata()).get("openjet-message", "")}
        if entry:
            out["entry"] = rtif_json(reply.entry) if reply.HasField("entry") else None
        return out

    def run_rtif(self, call, cmd):
        R = rtif_pb2
        if call == "RtIfInit":
            return self.rtif_unary("RoutingInterfaceInitialize", R.RoutingInterfaceInitializeRequest(),
                                   R.RoutingInterfaceInitializeResponse.RoutingInterfaceInitializeStatusCode)
        if call == "RtIfGet":
            req = R.RoutingInterfaceGetRequest(address_format=cmd.get("address_format", 0))
            if "name" in cmd:
                req.name = cmd["name"]
            if "index" in cmd:
                req.index = cmd["index"]
            return self.rtif_unary("RoutingInterfaceGet", req,
                                   R.RoutingInterfaceGetResponse.RoutingInterfaceGetStatusCode, entry=True)
        if call == "RtIfRegister":
            req = R.RoutingInterfaceNotificationRegisterRequest(address_format=cmd.get("address_format", 0))
            self.rtif_stream = self.rtif.RoutingInterfaceNotificationRegister(req, timeout=60)
            return self.read_rtif(cmd.get("expect", 1))
        if call == "RtIfRead":
            return self.read_rtif(cmd.get("expect", 1))
        if call == "RtIfUnregister":
            return self.rtif_unary("RoutingInterfaceNotificationUnregister",
                                   R.RoutingInterfaceNotificationUnregisterRequest(),
                                   R.RoutingInterfaceNotificationUnregisterResponse.RoutingInterfaceNotificationUnregisterStatusCode)
        if call == "RtIfRefresh":
            return self.rtif_unary("RoutingInterfaceNotificationRefresh",
                                   R.RoutingInterfaceNotificationRefreshRequest(),
                                   R.RoutingInterfaceNotificationRefreshResponse.RoutingInterfaceNotificationRefreshStatusCode)
        return {"error": f"unknown call {call}"}

    def read_rtif(self, n):
        """Reads `n` notification messages: [{code, sub, entries: [...]}]."""
        out = []
        sub = rtif_pb2.RoutingInterfaceNotificationResponse.RoutingInterfaceNotificationStatusCode
        try:
            for reply in self.rtif_stream:
                out.append({"code": jnx_base_pb2.StatusCode.Name(reply.code), "sub": sub.Name(reply.sub_code),
                            "entries": [rtif_json(e) for e in reply.entries]})
                if len(out) >= n:
                    break
        except grpc.RpcError as e:
            out.append({"grpc": e.code().name, "details": e.details()})
        meta = dict(self.rtif_stream.initial_metadata())
        return {"messages": out, "message": meta.get("openjet-message", "")}

    def read_bgp_monitor(self, n):
        """Reads replies until `n` entries (or END_OF_RIBS) were seen; a reply without
        entries counts as one event (the registration result)."""
        out = []
        st = bgp_pb2.BgpRouteMonitorRegisterReply.BgpRouteMonitorRegisterStatus
        op = bgp_pb2.BgpRouteMonitorEntry.BgpRouteMonitorOper
        try:
            for reply in self.bgp_monitor:
                if not reply.monitor_entries:
                    out.append({"status": st.Name(reply.status)})
                for e in reply.monitor_entries:
                    ev = {"status": st.Name(reply.status), "op": op.Name(e.operation)}
                    if e.HasField("bgp_route"):
                        ev.update(bgp_json(e.bgp_route))
                    out.append(ev)
                if len(out) >= n or any(e.get("op") == "END_OF_RIBS" for e in out):
                    break
        except grpc.RpcError as e:
            out.append({"grpc": e.code().name, "details": e.details()})
        return {"events": out}

    def read_monitor(self, n):
        out = []
        try:
            for reply in self.monitor:
                for e in reply.monitor_routes:
                    out.append({"op": rib_service_pb2.RouteMonitorRouteOp.Name(e.monitor_rt_op),
                                "ctx": reply.monitor_ctx,
                                "status": rib_service_pb2.RouteOperStatus.Name(reply.status),
                                "prefix": route_json(e.route)["prefix"] if e.HasField("route") else None})
                if not reply.monitor_routes:
                    out.append({"status": rib_service_pb2.RouteOperStatus.Name(reply.status),
                                "ctx": reply.monitor_ctx})
                if len(out) >= n or any(e.get("op") == "ROUTE_MONITOR_ROUTE_OP_END_OF_TABLE"
                                        for e in out):
                    break
        except grpc.RpcError as e:
            out.append({"grpc": e.code().name, "details": e.details()})
        return {"events": out}


def main():
    try:
        session = Session()
        print(json.dumps({"ready": True}), flush=True)
    except grpc.RpcError as e:
        print(json.dumps({"ready": False, "grpc": e.code().name, "details": e.details()}), flush=True)
        return
    for line in sys.stdin:
        if not line.strip():
            continue
        print(json.dumps(session.run(json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
