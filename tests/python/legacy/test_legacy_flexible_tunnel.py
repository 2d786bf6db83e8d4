"""routing.FlexibleTunnel (the older generation) from Juniper's own stubs: add, update,
get and delete; each documented sub-code with `message` naming profile and field; and
the same profiles through jnx.jet.routing.rib.FlexibleTunnel (our stubs, this process):
a profile added through one generation is read through the other's Get."""

from __future__ import annotations

import openjet  # noqa: F401  (puts python/ on the path for the stubs below)
from openjet._gen import jnx_common_addr_types_pb2 as addr_pb2
from openjet._gen import jnx_common_base_types_pb2 as common_pb2
from openjet._gen import jnx_routing_base_types_pb2 as base_types_pb2
from openjet._gen import jnx_routing_flexible_tunnel_profile_pb2 as ftp_pb2
from openjet._gen import jnx_routing_flexible_tunnel_service_pb2 as ft_pb2
from openjet._gen import jnx_routing_flexible_tunnel_service_pb2_grpc as ft_grpc

from juniper_legacy import LegacyClient  # noqa: F401  (fixtures in conftest)

CLIENT = "py-legacy-ft"


def net(addr: str) -> dict:
    return {"inet6" if ":" in addr else "inet": {"addr_string": addr}}


def encap(name: str, vni: int = 100, fti: str = "fti0.1") -> dict:
    return {"name": name, "action": "ENCAPSULATE", "interface_name": fti,
            "attributes": {"vxlan": {
                "vni": vni, "source_prefix": net("192.0.2.1"), "source_prefix_len": 32,
                "source_udp_port_range": {"min": 49152, "max": 65535},
                "destination_address": net("198.51.100.7"), "destination_udp_port": 4789}}}


def decap(name: str, vni: int = 100) -> dict:
    return {"name": name, "action": "DECAPSULATE", "interface_name": "fti0.1",
            "attributes": {"vxlan": {
                "vni": vni, "source_prefix": net("198.51.100.0"), "source_prefix_len": 24,
                "destination_udp_port": 4789}}}


def add(app, *profiles):
    return app("Rpc", method="FlexibleTunnelAdd", fields={"tunnel_profiles": list(profiles)})


def update(app, *profiles):
    return app("Rpc", method="FlexibleTunnelUpdate", fields={"tunnel_profiles": list(profiles)})


def get(app, name):
    return app("Rpc", method="FlexibleTunnelGet", fields={"tunnel_profile_name": name})


def delete(app, *names):
    return app("Rpc", method="FlexibleTunnelDelete", fields={"tunnel_profile_names": list(names)})


def test_add_get_update_delete(fresh_jetd, legacy):
    app = legacy(fresh_jetd, CLIENT)
    r = add(app, encap("enc"), decap("dec"))
    assert (r["code"], r["sub_code"], r["operations_completed"], r["message"]) == ("SUCCESS", "SUCCESS", 2, "")
    g = get(app, "enc")
    assert (g["code"], g["sub_code"]) == ("SUCCESS", "SUCCESS")
    p = g["tunnel_profile"]
    assert (p["name"], p["action"], p["interface_name"]) == ("enc", "ENCAPSULATE", "fti0.1")
    v = p["attributes"]["vxlan"]
    assert (v["vni"], v["destination_udp_port"], v["flags"]) == (100, 4789, 8), "flags 0 is the 0x08 default"
    assert v["destination_address"] == {"inet": {"addr_string": "198.51.100.7"}}
    assert v["source_udp_port_range"] == {"min": 49152, "max": 65535}

    r = update(app, encap("enc", vni=200))
    assert (r["code"], r["operations_completed"]) == ("SUCCESS", 1)
    assert get(app, "enc")["tunnel_profile"]["attributes"]["vxlan"]["vni"] == 200

    r = delete(app, "enc", "dec")
    assert (r["code"], r["operations_completed"]) == ("SUCCESS", 2)
    assert get(app, "enc")["sub_code"] == "NOT_FOUND"


def test_each_documented_failure_names_profile_and_field(fresh_jetd, legacy):
    app = legacy(fresh_jetd, CLIENT)
    assert add(app, encap("e", vni=1), decap("d", vni=5))["code"] == "SUCCESS"

    r = add(app, encap("e2", vni=2), encap("e", vni=1), encap("never", vni=3))
    assert (r["code"], r["sub_code"], r["operations_completed"]) == ("FAILURE", "ALREADY_EXISTS", 1)
    assert r["message"] == "profile 'e' already exists"
    r = add(app)
    assert (r["code"], r["sub_code"]) == ("FAILURE", "TOO_MANY_OPS")
    r = add(app, encap("vni0", vni=0))
    assert r["sub_code"] == "INVALID_TUNNEL_PROFILE"
    assert "profile 'vni0': vxlan.vni 0" in r["message"]
    r = add(app, dict(encap("xlate"), action="TRANSLATE"))
    assert r["sub_code"] == "INVALID_TUNNEL_ACTION"
    assert "profile 'xlate': action 2 (TRANSLATE)" in r["message"]
    r = add(app, dict(encap("gre"), attributes={"gre": {"gre_key": 1}}))
    assert r["sub_code"] == "INVALID_TUNNEL_PROFILE"
    assert "profile 'gre': attributes.gre is not supported" in r["message"]
    r = add(app, dict(encap("x"), name=""))
    assert r["sub_code"] == "INVALID_PROFILE_NAME"

    r = update(app, decap("d2", vni=5))
    assert (r["code"], r["sub_code"]) == ("FAILURE", "ALREADY_EXISTS")
    assert "'d' already decapsulates VNI 5" in r["message"]
    assert update(app)["sub_code"] == "TOO_MANY_OPS"
    r = update(app, dict(encap("e"), action=9))
    assert r["sub_code"] == "INVALID_TUNNEL_ACTION"
    assert "action 9" in r["message"]
    r = update(app, dict(encap("e"), attributes={}))
    assert r["sub_code"] == "INVALID_TUNNEL_PROFILE"
    assert "profile 'e': attributes.vxlan is missing" in r["message"]
    assert update(app, dict(encap("e"), name="has space"))["sub_code"] == "INVALID_PROFILE_NAME"

    r = delete(app, "e2", "e2")
    assert (r["code"], r["sub_code"], r["operations_completed"]) == ("FAILURE", "NOT_FOUND", 1)
    assert r["message"] == "profile 'e2' not found"
    assert delete(app)["sub_code"] == "TOO_MANY_OPS"
    assert delete(app, "")["sub_code"] == "INVALID_PROFILE_NAME"
    g = get(app, "nope")
    assert (g["code"], g["sub_code"], g["message"]) == ("FAILURE", "NOT_FOUND", "profile 'nope' not found")
    assert "tunnel_profile" not in g
    assert get(app, "")["sub_code"] == "INVALID_PROFILE_NAME"


def new_generation_encap(name: str, vni: int):
    def na(a):
        return base_types_pb2.NetworkAddress(inet=addr_pb2.IpAddress(addr_string=a))

    vx = ftp_pb2.VxlanTunnelAttributes(
        vni=vni, source_prefix=na("192.0.2.9"), source_prefix_len=32,
        source_udp_port_range=common_pb2.NumericRange(min=50000, max=60000),
        destination_address=na("203.0.113.9"), destination_udp_port=4790)
    return ftp_pb2.FlexibleTunnelProfile(name=name, action=ftp_pb2.ENCAPSULATE, interface_name="fti0.3",
                                         attributes=ftp_pb2.TunnelAttributes(vxlan=vx))


def test_a_profile_added_through_one_generation_is_seen_through_the_other(fresh_jetd, legacy):
    app = legacy(fresh_jetd, CLIENT)
    ch = fresh_jetd.logged_in(fresh_jetd.clear_channel(), client_id="py-new-ft")
    stub = ft_grpc.FlexibleTunnelStub(ch)
    try:
        # New generation adds, the legacy Get reads it.
        r = stub.FlexibleTunnelAdd(ft_pb2.FlexibleTunnelAddRequest(
            tunnel_profiles=[new_generation_encap("from-new", 77)]), timeout=30)
        assert r.status.code == common_pb2.SUCCESS and r.operations_completed == 1
        g = get(app, "from-new")
        assert g["sub_code"] == "SUCCESS"
        v = g["tunnel_profile"]["attributes"]["vxlan"]
        assert (v["vni"], v["destination_udp_port"]) == (77, 4790)
        assert v["destination_address"] == {"inet": {"addr_string": "203.0.113.9"}}
        assert v["source_udp_port_range"] == {"min": 50000, "max": 60000}
        assert g["tunnel_profile"]["interface_name"] == "fti0.3"

        # Legacy adds, the new generation's Get reads it.
        assert add(app, encap("from-legacy", vni=88))["code"] == "SUCCESS"
        n = stub.FlexibleTunnelGet(ft_pb2.FlexibleTunnelGetRequest(tunnel_profile_name="from-legacy"), timeout=30)
        assert n.status.code == common_pb2.SUCCESS
        nv = n.tunnel_profile.attributes.vxlan
        assert (nv.vni, nv.destination_udp_port, nv.flags.value) == (88, 4789, 8)
        assert nv.destination_address.inet.addr_string == "198.51.100.7"

        # A legacy delete removes the new generation's profile.
        assert delete(app, "from-new")["code"] == "SUCCESS"
        n = stub.FlexibleTunnelGet(ft_pb2.FlexibleTunnelGetRequest(tunnel_profile_name="from-new"), timeout=30)
        assert n.sub_code == ft_pb2.FlexibleTunnelGetResponse.NOT_FOUND
    finally:
        ch.close()
