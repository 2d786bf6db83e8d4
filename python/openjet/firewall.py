"""Program firewall filters and policers through JET's Firewall service
(``jnx.jet.firewall.Firewall``) without hand-building nested protobuf messages.

::

    import openjet
    from openjet.firewall import Firewall, term

    channel = openjet.connect("127.0.0.1:32767")
    openjet.login(channel, "admin", password, client_id="my-app")
    fw = Firewall(channel)
    fw.add_policer("lim-1m", bandwidth=1_000_000, burst=15_000)
    fw.add_filter("protect", [
        term("dns", protocol="udp", destination_port=53, policer="lim-1m", count="dns"),
        term("rest", count="rest", then="accept"),
    ])
    fw.bind("protect", "ge-0/0/0.0", "input")
    print(fw.counter("protect", "dns"))        # Counter(packets=..., bytes=...)

The rules that come with the service (see the JET documentation, and docs/firewall.md):

* Filters and policers belong to the *client id* given at Login. Another client can
  neither change, bind nor delete them. When the last session of a client id closes, they
  stay for the purge time (120 s unless set with :meth:`Firewall.set_purge_timer`, 1-1000
  s or :data:`NEVER_PURGE`); a firewall call of that client id in time keeps them.
* A filter that fails validation changes nothing; so does a FilterModify with one bad
  operation. A bound filter cannot be deleted, a policer in use neither.
* A policer must exist before a term refers to it. Filter counters are named by the
  ``count`` action, policer counters ``POLICER`` (filter-specific) or ``POLICER-TERM``
  (term-specific). One counter per call.

Every refusal raises :class:`openjet.FirewallError` with the call, the sub-code by name
(``"EINVALID_MESSAGE"``, ``"EUNSUPPORTED_OP"``, ``"NO_RESOURCE"``, ``"TIMEOUT"``) and the
device's message, which names the filter, term and field.

The raw messages and stubs remain available: ``openjet._gen.jnx_firewall_service_pb2``
(and ``_grpc``).
"""

from __future__ import annotations

from typing import Iterable, NamedTuple, Optional, Sequence, Tuple, Union

import grpc

from ._gen import jnx_common_addr_types_pb2 as addr_pb2
from ._gen import jnx_common_base_types_pb2 as common_pb2
from ._gen import jnx_firewall_service_pb2 as fw_pb2
from ._gen import jnx_firewall_service_pb2_grpc as fw_grpc
from .errors import FirewallError

__all__ = [
    "Counter",
    "Firewall",
    "FirewallError",
    "NEVER_PURGE",
    "add_term",
    "delete_term",
    "replace_term",
    "term",
]

#: FiltersPurgeTimerAdd value that keeps a client's filters forever.
NEVER_PURGE = 0xFFFFFFFF

FAMILIES = {"inet": fw_pb2.FAMILY_INET, "inet6": fw_pb2.FAMILY_INET6, "mpls": fw_pb2.FAMILY_MPLS}
DIRECTIONS = {"input": fw_pb2.BIND_DIRECTION_INPUT, "output": fw_pb2.BIND_DIRECTION_OUTPUT}
PROTOCOLS = {"icmp": 1, "tcp": 6, "udp": 17, "gre": 47, "esp": 50, "icmp6": 58, "ospf": 89}
#: Sub-code names by value (the values are the same in every Firewall response).
SUB_CODES = {v.number: v.name for v in fw_pb2.FilterCounterGetResponse.StatusCode.DESCRIPTOR.values}

Ports = Union[int, Tuple[int, int], Sequence[Union[int, Tuple[int, int]]]]
Prefixes = Union[str, Sequence[str]]


class Counter(NamedTuple):
    """A filter or policer counter."""

    packets: int
    bytes: int


# ---------------------------------------------------------------------------------------
# Builders


def _list(v) -> list:
    if v is None:
        return []
    if isinstance(v, (str, int, tuple)):
        return [v]
    return list(v)


def _prefix(text: str, family: str) -> fw_pb2.MatchIpAddress:
    """``"10.0.0.0/8"`` or ``"!10.1.0.0/16"`` (except) as a MatchIpAddress."""
    op = fw_pb2.OP_EQUAL
    if text.startswith("!"):
        op, text = fw_pb2.OP_NOT_EQUAL, text[1:]
    addr, sep, length = text.partition("/")
    host = 32 if family == "inet" else 128
    return fw_pb2.MatchIpAddress(
        addr=addr_pb2.IpAddress(addr_string=addr),
        prefix_length=int(length) if sep else host,
        operation=op,
    )


def _range(cls, v):
    if isinstance(v, tuple):
        lo, hi = v
    else:
        lo = hi = v
    return cls(min=lo, max=hi, operation=fw_pb2.OP_EQUAL)


def _protocol(p) -> int:
    if isinstance(p, str):
        try:
            return PROTOCOLS[p.lower()]
        except KeyError:
            raise ValueError(f"protocol {p!r}: give a number or one of {sorted(PROTOCOLS)}") from None
    return int(p)


def term(
    name: str,
    *,
    family: str = "inet",
    source: Optional[Prefixes] = None,
    destination: Optional[Prefixes] = None,
    protocol: Union[None, int, str, Sequence[Union[int, str]]] = None,
    source_port: Optional[Ports] = None,
    destination_port: Optional[Ports] = None,
    dscp: Optional[Ports] = None,
    packet_length: Optional[Ports] = None,
    count: Optional[str] = None,
    policer: Optional[str] = None,
    log: bool = False,
    next_term: bool = False,
    then: Optional[str] = "accept",
) -> fw_pb2.FilterTerm:
    """One term of an ``inet`` or ``inet6`` filter.

    Prefixes are ``"A/LEN"`` (``"!A/LEN"`` excludes); ports, DSCP and lengths are a number,
    ``(lo, hi)`` or a list of those; ``protocol`` a number or ``"tcp"``/``"udp"``/``"icmp"``.
    ``policer`` names an existing policer (its type and parameters are the device's).
    ``then`` is ``"accept"``, ``"discard"``, ``"reject"`` or ``None`` (no terminating
    action: the next term with ``next_term``, otherwise an implicit accept).
    """
    if family not in ("inet", "inet6"):
        raise ValueError(f"family {family!r}: the builders cover 'inet' and 'inet6'")
    v6 = family == "inet6"
    m = fw_pb2.FilterTermMatchInet6() if v6 else fw_pb2.FilterTermMatchInet()
    src = m.ipv6_src_addrs if v6 else m.ipv4_src_addrs
    dst = m.ipv6_dst_addrs if v6 else m.ipv4_dst_addrs
    src.extend(_prefix(p, family) for p in _list(source))
    dst.extend(_prefix(p, family) for p in _list(destination))
    protos = m.payload_protocols if v6 else m.protocols
    protos.extend(_range(fw_pb2.MatchProtocol, _protocol(p)) for p in _list(protocol))
    m.src_ports.extend(_range(fw_pb2.MatchPort, p) for p in _list(source_port))
    m.dst_ports.extend(_range(fw_pb2.MatchPort, p) for p in _list(destination_port))
    m.dscp_codes.extend(_range(fw_pb2.MatchDscpCode, d) for d in _list(dscp))
    m.packet_lengths.extend(_range(fw_pb2.MatchPacketLength, n) for n in _list(packet_length))

    nt = (fw_pb2.FilterTermInet6NonTerminatingAction if v6 else fw_pb2.FilterTermInetNonTerminatingAction)(
        log=log, next_term=next_term
    )
    if count:
        nt.count.counter_name = count
    if policer:
        nt.policer.policer.name = policer
        nt.policer.policer.type = fw_pb2.TWO_COLOR_POLICER
    t_cls = fw_pb2.FilterTermInet6TerminatingAction if v6 else fw_pb2.FilterTermInetTerminatingAction
    if then is None:
        t = None
    elif then == "accept":
        t = t_cls(accept=True)
    elif then == "discard":
        t = t_cls(discard=True)
    elif then == "reject":
        t = t_cls(reject=0)  # administratively prohibited
    else:
        raise ValueError(f"then {then!r}: 'accept', 'discard', 'reject' or None")
    action_cls = fw_pb2.FilterTermInet6Action if v6 else fw_pb2.FilterTermInetAction
    actions = action_cls(actions_nt=nt, action_t=t) if t is not None else action_cls(actions_nt=nt)
    if v6:
        return fw_pb2.FilterTerm(
            inet6_term=fw_pb2.FilterInet6Term(term_name=name, matches=m, actions=actions)
        )
    return fw_pb2.FilterTerm(inet_term=fw_pb2.FilterInetTerm(term_name=name, matches=m, actions=actions))


def _inner(t: fw_pb2.FilterTerm):
    which = t.WhichOneof("filter_term")
    if which is None:
        raise ValueError("the FilterTerm carries no term")
    return getattr(t, which)


def add_term(t: fw_pb2.FilterTerm, *, after: Optional[str] = None, before: Optional[str] = None):
    """For :meth:`Firewall.modify_filter`: add ``t`` after/before a named term (at the end
    without either)."""
    inner = _inner(t)
    inner.term_op = fw_pb2.TERM_OPERATION_ADD
    if after is not None:
        inner.adjacency.CopyFrom(fw_pb2.FilterAdjacency(type=fw_pb2.TERM_AFTER, term_name=after))
    elif before is not None:
        inner.adjacency.CopyFrom(fw_pb2.FilterAdjacency(type=fw_pb2.TERM_BEFORE, term_name=before))
    return t


def replace_term(t: fw_pb2.FilterTerm):
    """For :meth:`Firewall.modify_filter`: replace the term of the same name, in place."""
    _inner(t).term_op = fw_pb2.TERM_OPERATION_REPLACE
    return t


def delete_term(name: str, family: str = "inet"):
    """For :meth:`Firewall.modify_filter`: delete term ``name``."""
    t = term(name, family=family, then=None)
    _inner(t).term_op = fw_pb2.TERM_OPERATION_DELETE
    return t


# ---------------------------------------------------------------------------------------
# The service


def _family(family: str) -> int:
    try:
        return FAMILIES[family]
    except KeyError:
        raise ValueError(f"family {family!r}: one of {sorted(FAMILIES)}") from None


class Firewall:
    """``jnx.jet.firewall.Firewall`` on a logged-in channel; each method is one RPC and
    raises :class:`openjet.FirewallError` on a refusal."""

    def __init__(self, channel: grpc.Channel, *, timeout: Optional[float] = 30) -> None:
        self.stub = fw_grpc.FirewallStub(channel)
        self.timeout = timeout

    def _call(self, method: str, request):
        response = getattr(self.stub, method)(request, timeout=self.timeout)
        if response.status.code != common_pb2.SUCCESS or response.sub_code != 0:
            raise FirewallError(
                response.status.message or f"{method} failed",
                call=method,
                sub_code=SUB_CODES.get(response.sub_code, f"sub-code {response.sub_code}"),
                code=response.status.code,
                response=response,
            )
        return response

    # -- filters

    def add_filter(self, name: str, terms: Iterable[fw_pb2.FilterTerm], family: str = "inet") -> None:
        """FilterAdd: the whole filter at once (all terms checked before anything changes)."""
        self._call("FilterAdd", fw_pb2.FilterAddRequest(
            name=name, type=fw_pb2.TYPE_CLASSIC, family=_family(family),
            flag=fw_pb2.FLAGS_NONE, terms_list=list(terms),
        ))

    def modify_filter(self, name: str, ops: Iterable[fw_pb2.FilterTerm], family: str = "inet") -> None:
        """FilterModify with :func:`add_term` / :func:`replace_term` / :func:`delete_term`
        operations, applied in order, all or none."""
        self._call("FilterModify", fw_pb2.FilterModifyRequest(
            name=name, type=fw_pb2.TYPE_CLASSIC, family=_family(family),
            flag=fw_pb2.FLAGS_NONE, terms_list=list(ops),
        ))

    def delete_filter(self, name: str, family: str = "inet") -> None:
        """FilterDelete (refused while the filter is bound)."""
        self._call("FilterDelete", fw_pb2.FilterDeleteRequest(name=name, family=_family(family)))

    # -- bindings

    @staticmethod
    def _bind_fields(name, point, direction, family, table):
        try:
            d = DIRECTIONS[direction]
        except KeyError:
            raise ValueError(f"direction {direction!r}: 'input' or 'output'") from None
        if table:
            obj_type = fw_pb2.BIND_OBJ_TYPE_FWD_TABLE
            obj = fw_pb2.FilterBindObjPoint(forwarding_table=point)
        else:
            obj_type = fw_pb2.BIND_OBJ_TYPE_INTERFACE
            obj = fw_pb2.FilterBindObjPoint(interface_name=point)
        return dict(
            filter=fw_pb2.Filter(name=name, family=_family(family)),
            obj_type=obj_type, bind_object=obj, bind_direction=d, bind_family=_family(family),
        )

    def bind(self, name: str, point: str, direction: str = "input", family: str = "inet",
             *, table: bool = False) -> None:
        """FilterBindAdd to an interface unit (``"ge-0/0/0.0"``) or, with ``table=True``, a
        forwarding table (``"inet.0"``)."""
        self._call("FilterBindAdd", fw_pb2.FilterObjBindAddRequest(
            **self._bind_fields(name, point, direction, family, table)))

    def unbind(self, name: str, point: str, direction: str = "input", family: str = "inet",
               *, table: bool = False) -> None:
        """FilterBindDelete of a :meth:`bind`."""
        self._call("FilterBindDelete", fw_pb2.FilterObjBindDeleteRequest(
            **self._bind_fields(name, point, direction, family, table)))

    # -- policers

    @staticmethod
    def _two_color(name, bandwidth, burst, discard, term_specific):
        flag = fw_pb2.POLICER_FLAG_TERM_SPECIFIC if term_specific else fw_pb2.POLICER_FLAG_FILTER_SPECIFIC
        params = fw_pb2.PolicerParameter(two_color_parameter=fw_pb2.PolicerTwoColor(
            bandwidth=bandwidth, burst_size=burst, discard=discard))
        return dict(name=name, type=fw_pb2.TWO_COLOR_POLICER, flag=flag, params=params)

    def add_policer(self, name: str, *, bandwidth: int, burst: int, discard: bool = True,
                    term_specific: bool = False) -> None:
        """PolicerAdd of a two-color policer: ``bandwidth`` bit/s, ``burst`` bytes; packets
        out of spec are dropped when ``discard`` (counted either way)."""
        self._call("PolicerAdd", fw_pb2.PolicerAddRequest(
            **self._two_color(name, bandwidth, burst, discard, term_specific)))

    def modify_policer(self, name: str, *, bandwidth: int, burst: int, discard: bool = True,
                       term_specific: bool = False) -> None:
        """PolicerModify of a two-color policer (the flag cannot change while in use)."""
        self._call("PolicerModify", fw_pb2.PolicerModifyRequest(
            **self._two_color(name, bandwidth, burst, discard, term_specific)))

    def delete_policer(self, name: str) -> None:
        """PolicerDelete (refused while a filter uses it)."""
        self._call("PolicerDelete", fw_pb2.PolicerDeleteRequest(name=name))

    # -- counters

    def counter(self, filter_name: str, counter_name: str) -> Counter:
        """FilterCounterGet."""
        r = self._call("FilterCounterGet", fw_pb2.FilterCounterGetRequest(
            filter_name=filter_name, counter_name=counter_name))
        return Counter(r.packets, r.bytes)

    def policer_counter(self, filter_name: str, counter_name: str) -> Counter:
        """PolicerCounterGet: the packets and bytes out of spec."""
        r = self._call("PolicerCounterGet", fw_pb2.PolicerCounterGetRequest(
            filter_name=filter_name, counter_name=counter_name))
        return Counter(r.packets, r.bytes)

    def clear_counter(self, filter_name: str, counter_name: str) -> None:
        """FilterCounterSet: clears one filter counter."""
        self._call("FilterCounterSet", fw_pb2.FilterCounterSetRequest(
            filter_name=filter_name, counter_name=counter_name))

    def clear_policer_counter(self, filter_name: str, counter_name: str) -> None:
        """PolicerCounterSet: clears one policer counter."""
        self._call("PolicerCounterSet", fw_pb2.PolicerCounterSetRequest(
            filter_name=filter_name, counter_name=counter_name))

    # -- purge timer

    def set_purge_timer(self, seconds: int) -> None:
        """FiltersPurgeTimerAdd: 1-1000 s, or :data:`NEVER_PURGE`."""
        self._call("FiltersPurgeTimerAdd", fw_pb2.FiltersPurgeTimerAddRequest(time=seconds))

    def delete_purge_timer(self) -> None:
        """FiltersPurgeTimerDelete: back to the default (120 s)."""
        self._call("FiltersPurgeTimerDelete", fw_pb2.FiltersPurgeTimerDeleteRequest())

    def purge_timer(self) -> int:
        """FiltersPurgeTimerGet: the purge time in force, in seconds."""
        return self._call("FiltersPurgeTimerGet", fw_pb2.FiltersPurgeTimerGetRequest()).time

