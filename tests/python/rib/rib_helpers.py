"""Helpers for the RIB tests: generated stubs of our protos, route builders.

The `fresh_jetd` fixture (a jetd of its own) comes from ../conftest.py.
"""

from __future__ import annotations

import pytest

from openjet._gen import jnx_common_addr_types_pb2 as addr_pb2
from openjet._gen import jnx_routing_base_types_pb2 as base_types_pb2
from openjet._gen import jnx_routing_rib_service_pb2 as rib_pb2


def v4(addr: str):
    return base_types_pb2.NetworkAddress(inet=addr_pb2.IpAddress(addr_string=addr))


def inet0():
    return base_types_pb2.RouteTable(name=base_types_pb2.RouteTableName(name="inet.0"))


def key(prefix: str, cookie: int = 0):
    addr, length = prefix.split("/")
    return rib_pb2.RouteMatch(dest_prefix=v4(addr), dest_prefix_len=int(length), table=inet0(), cookie=cookie)


def route(prefix: str, gateway: str = "192.0.2.1"):
    gw = rib_pb2.RouteGateway(gateway_address=v4(gateway))
    return rib_pb2.RouteEntry(key=key(prefix), nexthop=rib_pb2.RouteNexthop(gateways=[gw]))


def prefix_of(entry) -> str:
    k = entry.key
    return f"{k.dest_prefix.inet.addr_string}/{k.dest_prefix_len}"


@pytest.fixture
def rib_helpers():
    """The builders above, for tests that prefer a fixture to an import."""
    return {"route": route, "key": key, "prefix_of": prefix_of}


# Interfaces on 192.0.2.0/24 and 2001:db8::/64, so that programmed routes via 192.0.2.x or
# 2001:db8::x resolve and are active (an unresolvable gateway leaves them hidden in
# `show route`). The same address as examples/route-injector's tests.
INTERFACE_CONFIG = """
interfaces {
    ge-0/0/0 {
        unit 0 {
            family inet { address 192.0.2.254/24; }
            family inet6 { address 2001:db8::fe/64; }
        }
    }
}
"""


def configure_interface(dev) -> None:
    """Commit INTERFACE_CONFIG on `dev` (a harness Device) through openjet.config_set."""
    import openjet

    ch = dev.logged_in(dev.clear_channel(), client_id="py-config")
    try:
        openjet.config_set(ch, INTERFACE_CONFIG, load_type="merge")
    finally:
        ch.close()


@pytest.fixture
def routed_jetd(fresh_jetd):
    """A device of its own with INTERFACE_CONFIG committed."""
    configure_interface(fresh_jetd)
    return fresh_jetd
