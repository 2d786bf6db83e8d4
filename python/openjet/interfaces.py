"""Configure interface objects through JET's dcd Interfaces service
(``jnx.jet.interfaces.Interfaces``) without hand-building the nested messages.

::

    import openjet
    from openjet.interfaces import Interfaces

    channel = openjet.connect("127.0.0.1:32767")
    openjet.login(channel, "admin", password, client_id="my-app")
    dcd = Interfaces(channel)
    dcd.add_interface("ae0", members=["ge-0/0/1", "ge-0/0/2"], mtu=9000)
    dcd.add_unit("ae0", 0)
    dcd.add_family("ae0", 0, "inet")
    dcd.add_address("ae0", 0, "192.0.2.1/24")
    dcd.add_arp("ae0", 0, "192.0.2.1", "192.0.2.9", "00:11:22:33:44:55")
    print(dcd.permissions("ae0", 0))        # (is_owner, client_created_unit, client_name)
    dcd.delete_unit("ae0", 0)               # takes its families, addresses, ARP entries

Rules (see the JET documentation and ``docs/architecture.md`` section 8): the first
client to configure anything under an interface owns that interface's objects
(``NOT_OWNER_OF_OBJECT`` for the others); units from the configuration are public;
Update is an upsert where an empty string / invalid integer resets an attribute; Delete
removes children, never parents; the objects are purged 120 s after the client's last
session ends. Failures raise :class:`openjet.errors.InterfacesError` with the sub-code by
name. The raw stubs remain in ``openjet._gen.jnx_interfaces_service_pb2`` (and ``_grpc``).
"""

from __future__ import annotations

from typing import Iterable, Optional, Tuple

import grpc

from ._gen import jnx_common_addr_types_pb2 as addr_pb2
from ._gen import jnx_common_base_types_pb2 as common_pb2
from ._gen import jnx_interfaces_service_pb2 as pb
from ._gen import jnx_interfaces_service_pb2_grpc as pb_grpc
from .errors import InterfacesError

__all__ = ["Interfaces", "InterfacesError"]

_FAMILIES = {"inet": addr_pb2.AF_INET, "inet6": addr_pb2.AF_INET6, "mpls": addr_pb2.AF_MPLS}
_TYPES = {"interfaces": 0, "unit": 1, "family": 2, "address": 3, "arp": 4}


def _family(name: str) -> int:
    try:
        return _FAMILIES[name]
    except KeyError:
        raise ValueError(f"family must be one of {sorted(_FAMILIES)}, not {name!r}") from None


def _family_of(address: str) -> int:
    return addr_pb2.AF_INET6 if ":" in address else addr_pb2.AF_INET


def _ip(text: str):
    return addr_pb2.IpAddress(addr_string=text)


def _attrs(strings=(), integers=()):
    if not strings and not integers:
        return None
    return pb.InterfaceAttributeList(
        string_attributes=[pb.StringAttribute(key=k, value=v) for k, v in strings],
        integer_attributes=[pb.IntegerAttribute(key=k, value=v) for k, v in integers],
    )


class Interfaces:
    """The dcd Interfaces service on a logged-in ``channel``."""

    def __init__(self, channel: grpc.Channel, *, timeout: Optional[float] = 30) -> None:
        self._stub = pb_grpc.InterfacesStub(channel)
        self._timeout = timeout

    # -- the objects ---------------------------------------------------------------

    @staticmethod
    def _interface(port, members=None, mtu=None, mac=None):
        opts = None
        if members is not None:
            opts = pb.InterfaceSpecificOptions(
                aggregate_options=pb.AggregateOptions(aggregate_members=list(members)))
        return "interfaces", pb.InterfaceConfig(
            port_name=port, interface_options=opts,
            attributes=_attrs([("mac", mac)] if mac is not None else (),
                              [("mtu", mtu)] if mtu is not None else ()))

    @staticmethod
    def _unit(port, unit, vlan_id=None, tunnel=None):
        return "unit", pb.InterfaceUnitConfig(
            port_name=port, unit=pb.InterfaceUnit(number=unit), tunnel=tunnel,
            attributes=_attrs((), [("vlan-id", vlan_id)] if vlan_id is not None else ()))

    @staticmethod
    def _arp(port, unit, address, neighbor, mac, receive=None):
        return "arp", pb.InterfaceArpConfig(
            port_name=port, unit=pb.InterfaceUnit(number=unit), family=_family_of(neighbor),
            ip_address=_ip(address), neighbor_address=_ip(neighbor),
            attributes=_attrs([("mac", mac)], [("receive", receive)] if receive is not None else ()))

    def _call(self, rpc: str, request, reply_codes):
        reply = getattr(self._stub, rpc)(request, timeout=self._timeout)
        if reply.status.code != common_pb2.SUCCESS:
            try:
                name = reply_codes.Name(reply.sub_code)
            except ValueError:
                name = f"sub-code {reply.sub_code}"
            raise InterfacesError(reply.status.message, call=rpc, sub_code=name, response=reply)
        return reply

    def _put(self, rpc: str, request_type, codes, kind_obj):
        kind, obj = kind_obj
        return self._call(rpc, request_type(type=_TYPES[kind], **{kind: obj}), codes)

    def add(self, kind_obj):
        """InterfaceAdd of a ``(kind, message)`` pair (see the ``add_*`` shortcuts)."""
        return self._put("InterfaceAdd", pb.InterfaceAddRequest, pb.InterfaceAddResponse.StatusCode, kind_obj)

    def update(self, kind_obj):
        """InterfaceUpdate (upsert) of a ``(kind, message)`` pair."""
        return self._put("InterfaceUpdate", pb.InterfaceUpdateRequest, pb.InterfaceUpdateResponse.StatusCode, kind_obj)

    def add_interface(self, port: str, *, members: Optional[Iterable[str]] = None,
                      mtu: Optional[int] = None, mac: Optional[str] = None):
        """A physical interface's attributes, or a new ``aeN`` (with ``members``) / ``ftiN``."""
        return self.add(self._interface(port, members, mtu, mac))

    def add_unit(self, port: str, unit: int, *, vlan_id: Optional[int] = None, tunnel=None):
        """Unit ``unit`` of ``port`` (``tunnel``: a ``TunnelOptions`` for FTI units)."""
        return self.add(self._unit(port, unit, vlan_id, tunnel))

    def add_family(self, port: str, unit: int, family: str):
        """Family ``inet``, ``inet6`` or ``mpls``."""
        return self.add(("family", pb.InterfaceFamilyConfig(
            port_name=port, unit=pb.InterfaceUnit(number=unit), family=_family(family))))

    def add_address(self, port: str, unit: int, address: str, *, mac: Optional[str] = None):
        """Address ``A/L`` (or a host address) in the family it belongs to."""
        return self.add(("address", pb.InterfaceAddressConfig(
            port_name=port, unit=pb.InterfaceUnit(number=unit), family=_family_of(address),
            ip_address=_ip(address), attributes=_attrs([("mac", mac)] if mac else ()))))

    def add_arp(self, port: str, unit: int, address: str, neighbor: str, mac: str,
                *, receive: Optional[int] = None):
        """A static ARP (IPv4) / NDP (IPv6) entry under interface address ``address``."""
        return self.add(self._arp(port, unit, address, neighbor, mac, receive))

    def delete_unit(self, port: str, unit: int):
        """Deletes a unit and everything under it."""
        return self._call("InterfaceDelete", pb.InterfaceDeleteRequest(
            type=1, unit=pb.InterfaceUnitDelete(port_name=port, unit=pb.InterfaceUnit(number=unit))),
            pb.InterfaceDeleteResponse.StatusCode)

    def delete_interface(self, port: str):
        """Deletes every object this client configured under ``port``."""
        return self._call("InterfaceDelete", pb.InterfaceDeleteRequest(
            type=0, interfaces=pb.InterfaceDelete(port_name=port)), pb.InterfaceDeleteResponse.StatusCode)

    def get_unit(self, port: str, unit: int) -> pb.InterfaceUnitConfig:
        """The unit as the API sees it (``vlan-id``, tunnel)."""
        reply = self._call("InterfaceGet", pb.InterfaceGetRequest(
            type=1, unit=pb.InterfaceUnitConfig(port_name=port, unit=pb.InterfaceUnit(number=unit))),
            pb.InterfaceGetResponse.StatusCode)
        return reply.unit

    def permissions(self, port: str, unit: int) -> Tuple[bool, bool, str]:
        """``(is_owner, client_created_unit, client_name)`` of a unit."""
        reply = self._call("InterfaceUnitPermissionsGet", pb.InterfaceUnitPermissionsGetRequest(
            port_name=port, unit=pb.InterfaceUnit(number=unit)),
            pb.InterfaceUnitPermissionsGetResponse.StatusCode)
        return reply.is_owner, reply.client_created_unit, reply.client_name
