"""Program routes through JET's RIB service (``jnx.jet.routing.rib.Rib``) without
hand-building nested protobuf messages.

::

    import openjet
    from openjet.rib import Rib, gateways_of, prefix_of, route

    channel = openjet.connect("127.0.0.1:32767")
    openjet.login(channel, "admin", password, client_id="my-injector")
    rib = Rib(channel)
    sub_code, owned = rib.initialize()          # ("SUCCESS", 0) or ("SUCCESS_REBOUND", n)
    rib.add([route("10.1.0.0/24", ["192.0.2.1"]), route("2001:db8:1::/48", ["2001:db8::1"])])
    for entry in rib.get("10.0.0.0/8"):
        print(prefix_of(entry), gateways_of(entry))
    rib.delete(["10.1.0.0/24"])

The rules that come with the service (see the JET documentation):

* ``RouteInitialize`` (:meth:`Rib.initialize`) comes first on every connection; other
  calls answer ``NOT_INITIALIZED`` before it.
* Routes belong to the *client id* given at Login. When the last session of a client id
  closes, its routes stay for the purge time (120 s unless set with
  :meth:`Rib.purge_timer`); a new session of that client id that initializes in time gets
  them back (``SUCCESS_REBOUND``).
* Add/Modify/Update/Delete carry 1–1000 routes per request, applied in order, stopping at
  the first bad one. :class:`Rib` splits longer lists into batches and raises
  :class:`openjet.RibError` (``sub_code``, ``operations_completed``) on a failure; what
  went in before the failure stays programmed.
* Routes programmed here are static routes, preference 5 unless given.

The raw messages and stubs remain available: ``openjet._gen.jnx_routing_rib_service_pb2``
(and ``_grpc``), ``openjet._gen.jnx_routing_base_service_pb2``.
"""

from __future__ import annotations

import ipaddress
import threading
from typing import Iterable, Iterator, List, Optional, Tuple, TypeVar, Union

import grpc
from google.protobuf import wrappers_pb2

from ._gen import jnx_common_addr_types_pb2 as addr_pb2
from ._gen import jnx_common_base_types_pb2 as common_pb2
from ._gen import jnx_routing_base_service_pb2 as base_pb2
from ._gen import jnx_routing_base_service_pb2_grpc as base_grpc
from ._gen import jnx_routing_base_types_pb2 as base_types_pb2
from ._gen import jnx_routing_rib_service_pb2 as rib_pb2
from ._gen import jnx_routing_rib_service_pb2_grpc as rib_grpc
from .errors import RibError

__all__ = [
    "MAX_BATCH",
    "MATCH_TYPES",
    "Rib",
    "RibError",
    "RouteEntry",
    "RouteMatch",
    "Subscription",
    "address_text",
    "gateways_of",
    "network_address",
    "preference_of",
    "prefix_of",
    "route",
    "route_key",
]

#: The generated message types the builders return.
RouteEntry = rib_pb2.RouteEntry
RouteMatch = rib_pb2.RouteMatch

#: The most routes one Add/Modify/Update/Delete request may carry (the contract's limit;
#: the device answers TOO_MANY_OPS beyond it).
MAX_BATCH = 1000

#: ``match`` names accepted by :meth:`Rib.get`.
MATCH_TYPES = {
    "best": rib_pb2.BEST,  # longest-prefix match: the route that would forward to `prefix`
    "exact": rib_pb2.EXACT,  # that route only
    "exact_or_longer": rib_pb2.EXACT_OR_LONGER,  # that route and every more specific one
}

#: Names of the subscription events (:meth:`Rib.subscribe`), by value. The IDL spells
#: DELETE ``ROUTE_SUBSCBIBE_OP_DELETE`` (sic); here it is plain ``"DELETE"``.
SUBSCRIBE_OPS = {
    rib_pb2.ROUTE_SUBSCRIBE_OP_NONE: "NONE",
    rib_pb2.ROUTE_SUBSCRIBE_OP_ADD: "ADD",
    rib_pb2.ROUTE_SUBSCRIBE_OP_MODIFY: "MODIFY",
    rib_pb2.ROUTE_SUBSCBIBE_OP_DELETE: "DELETE",
    rib_pb2.ROUTE_SUBSCRIBE_OP_NO_ADVERTISE: "NO_ADVERTISE",
    rib_pb2.ROUTE_SUBSCRIBE_OP_END_OF_TABLE: "END_OF_TABLE",
}

Prefix = Union[str, ipaddress.IPv4Network, ipaddress.IPv6Network]
#: A gateway: an address (``"192.0.2.1"``), or ``(address, interface)`` such as
#: ``("192.0.2.1", "ge-0/0/0.0")``; ``(None, "ge-0/0/0.0")`` is the interface alone.
Gateway = Union[str, ipaddress.IPv4Address, ipaddress.IPv6Address, Tuple[Optional[str], str]]
#: What :meth:`Rib.delete` accepts for one route: a prefix, a key, or a whole entry.
KeyLike = Union[Prefix, "rib_pb2.RouteMatch", "rib_pb2.RouteEntry"]

_T = TypeVar("_T")


# ---------------------------------------------------------------------------------------
# Builders: text in, messages out


def _parse_prefix(prefix: Prefix) -> Tuple[Union[ipaddress.IPv4Address, ipaddress.IPv6Address], int]:
    """``(address, length)`` of ``"ADDRESS/LENGTH"``.

    Only the syntax is checked: host bits set (``10.1.0.1/24``) or a length out of range
    are left for the device to judge (PREFIX_LEN_TOO_SHORT, PREFIX_LEN_TOO_LONG).
    """
    text = str(prefix)
    addr, sep, length = text.partition("/")
    if not sep:
        raise ValueError(f"{text!r} is not ADDRESS/LENGTH (for example 10.1.0.0/24)")
    try:
        ip = ipaddress.ip_address(addr.strip())
    except ValueError:
        raise ValueError(f"{addr!r} in {text!r} is not an IPv4 or IPv6 address") from None
    if not length.strip().isdigit():
        raise ValueError(f"{length!r} in {text!r} is not a prefix length")
    return ip, int(length)


def _default_table(ip: Union[ipaddress.IPv4Address, ipaddress.IPv6Address]) -> str:
    return "inet6.0" if ip.version == 6 else "inet.0"


def network_address(address: Union[str, ipaddress.IPv4Address, ipaddress.IPv6Address]) -> "base_types_pb2.NetworkAddress":
    """A JET ``NetworkAddress`` (``inet`` or ``inet6`` by the address, in text form)."""
    ip = ipaddress.ip_address(str(address).strip())
    text = addr_pb2.IpAddress(addr_string=str(ip))
    if ip.version == 6:
        return base_types_pb2.NetworkAddress(inet6=text)
    return base_types_pb2.NetworkAddress(inet=text)


def _table(name: str) -> "base_types_pb2.RouteTable":
    return base_types_pb2.RouteTable(name=base_types_pb2.RouteTableName(name=name))


def route_key(prefix: Prefix, table: Optional[str] = None, cookie: int = 0) -> "rib_pb2.RouteMatch":
    """The key of a route (``RouteMatch``): destination, length, table and cookie.

    ``table`` is a Junos table name (``inet.0``, ``inet6.0``, ``<instance>.inet.0``); by
    default ``inet.0`` for an IPv4 prefix and ``inet6.0`` for an IPv6 one. ``cookie`` tells
    apart several paths one client programs to the same destination.
    """
    ip, length = _parse_prefix(prefix)
    return rib_pb2.RouteMatch(
        dest_prefix=network_address(ip),
        dest_prefix_len=length,
        table=_table(table or _default_table(ip)),
        cookie=cookie,
    )


def _gateway(gw: Gateway) -> "rib_pb2.RouteGateway":
    if isinstance(gw, tuple):
        address, interface = gw
        msg = rib_pb2.RouteGateway(interface_name=interface or "")
        if address:
            msg.gateway_address.CopyFrom(network_address(address))
        return msg
    return rib_pb2.RouteGateway(gateway_address=network_address(gw))


def route(
    prefix: Prefix,
    gateways: Iterable[Gateway] = (),
    table: Optional[str] = None,
    preference: Optional[int] = None,
    preference2: Optional[int] = None,
    cookie: int = 0,
) -> "rib_pb2.RouteEntry":
    """A route (``RouteEntry``) to ``prefix`` (``"10.1.0.0/24"``, ``"2001:db8::/32"``).

    ``gateways``: a list of addresses (several: ECMP), whose items may also be
    ``(address, interface)`` tuples for a gateway on a given interface
    (``(None, "ge-0/0/0.0")``: the interface alone, where the device supports it; jetd
    answers NEXTHOP_ADDRESS_INVALID), e.g.
    ``[("192.0.2.1", "ge-0/0/0.0")]``. A single address string is one gateway. No
    gateways: a discard route.
    A gateway given by address only is resolved by the device through its own routes; the
    route is active only if that works.

    ``preference`` (admin distance, the device raises values below 5 to 5) and
    ``preference2`` default to what :meth:`Rib.initialize` set (5 and 100 unless given).
    ``table`` and ``cookie`` as in :func:`route_key`.
    """
    if isinstance(gateways, (str, ipaddress.IPv4Address, ipaddress.IPv6Address)):
        gateways = [gateways]
    entry = rib_pb2.RouteEntry(
        key=route_key(prefix, table, cookie),
        nexthop=rib_pb2.RouteNexthop(gateways=[_gateway(g) for g in gateways]),
    )
    for index, value in ((0, preference), (1, preference2)):
        if value is not None:
            entry.attributes.preferences[index].CopyFrom(wrappers_pb2.UInt32Value(value=value))
    return entry


# ---------------------------------------------------------------------------------------
# Readers: messages in, text out (addresses as text or as bytes, as initialize chose)


def address_text(address: "base_types_pb2.NetworkAddress") -> str:
    """An address from the device as text, whether it came as text or as bytes
    (``Rib.initialize(address_bytes=True)``). An MPLS label reads ``"label N"``;
    an unset address ``"?"``."""
    family = address.WhichOneof("af")
    if family == "mpls":
        return f"label {address.mpls.label}"
    if family is None:
        return "?"
    ip = getattr(address, family)
    form = ip.WhichOneof("addr_format")
    if form == "addr_string":
        return ip.addr_string
    if form == "addr_bytes" and len(ip.addr_bytes) in (4, 16):
        return str(ipaddress.ip_address(ip.addr_bytes))
    return "?"


def prefix_of(entry: Union["rib_pb2.RouteEntry", "rib_pb2.RouteMatch"]) -> str:
    """``"10.1.0.0/24"``: the destination of a route (or of a key) as text."""
    key = entry.key if isinstance(entry, rib_pb2.RouteEntry) else entry
    return f"{address_text(key.dest_prefix)}/{key.dest_prefix_len}"


def gateways_of(entry: "rib_pb2.RouteEntry") -> List[str]:
    """The gateways of a route as text: the address, or the interface name for a gateway
    known by its interface only. ``[]`` for a discard route (and for DELETE events, which
    carry only the key)."""
    out = []
    for gw in entry.nexthop.gateways:
        if gw.HasField("gateway_address"):
            out.append(address_text(gw.gateway_address))
        else:
            out.append(gw.interface_name or "?")
    return out


def preference_of(entry: "rib_pb2.RouteEntry", index: int = 0) -> Optional[int]:
    """``preferences[index]`` of a route (0: preference, 1: preference2), None if unset."""
    prefs = entry.attributes.preferences
    return prefs[index].value if index in prefs else None


# ---------------------------------------------------------------------------------------
# The service


def _sub_code_name(enum, value: int) -> str:
    try:
        return enum.Name(value)
    except ValueError:
        return f"sub-code {value}"


def _batches(items: Iterable[_T], size: int = MAX_BATCH) -> Iterator[List[_T]]:
    batch: List[_T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _failed(status: "common_pb2.RpcStatus") -> bool:
    return status.code != common_pb2.SUCCESS


class Rib:
    """The RIB service (and the routing-base purge timer) on a logged-in channel.

    Every call belongs to the channel's session, so to the client id it logged in with.
    Call :meth:`initialize` first. JET failures raise :class:`openjet.RibError`; gRPC
    failures (not logged in, connection lost) surface as :class:`grpc.RpcError`.
    ``timeout`` (seconds) applies to each unary call.
    """

    def __init__(self, channel: grpc.Channel, *, timeout: Optional[float] = 60) -> None:
        self.channel = channel
        self.timeout = timeout
        #: The generated stubs, for what this class does not wrap.
        self.stub = rib_grpc.RibStub(channel)
        self.base_stub = base_grpc.BaseStub(channel)

    # -- session ----------------------------------------------------------------------

    def initialize(
        self,
        default_preference: Optional[int] = None,
        default_preference2: Optional[int] = None,
        address_bytes: bool = False,
    ) -> Tuple[str, int]:
        """``RouteInitialize``: returns ``(sub_code name, num_client_routes)``.

        ``"SUCCESS"`` with 0: a fresh start. ``"SUCCESS_REBOUND"`` with N: this client id
        still owned N routes from an earlier session (within the purge time), which are
        now this session's again. ``"ALREADY_INITIALIZED"``: this connection had
        initialized before (the new defaults apply).

        The defaults are used by routes that give no preference / preference2.
        ``address_bytes=True`` asks for addresses in replies (get, subscribe) as raw
        bytes instead of text; :func:`prefix_of` and :func:`gateways_of` read both.
        """
        request = rib_pb2.RouteInitializeRequest(
            default_response_address_format=(
                addr_pb2.ADDRESS_BYTES if address_bytes else addr_pb2.ADDRESS_STRING
            )
        )
        for index, value in ((0, default_preference), (1, default_preference2)):
            if value is not None:
                request.default_preferences[index].CopyFrom(wrappers_pb2.UInt32Value(value=value))
        reply = self.stub.RouteInitialize(request, timeout=self.timeout)
        self._raise_on_failure("RouteInitialize", reply)
        return _sub_code_name(rib_pb2.StatusCode, reply.sub_code), reply.num_client_routes

    def cleanup(self) -> None:
        """``RouteCleanup``: remove every route of this client id now (not after the
        purge time). The polite way for an app to leave for good."""
        reply = self.stub.RouteCleanup(rib_pb2.RouteCleanupRequest(), timeout=self.timeout)
        self._raise_on_failure("RouteCleanup", reply)

    # -- changes ----------------------------------------------------------------------

    def add(self, routes: Iterable["rib_pb2.RouteEntry"]) -> int:
        """``RouteAdd`` (fails with ROUTE_EXISTS for a key already programmed).
        Returns the number of routes added."""
        return self._set("RouteAdd", self.stub.RouteAdd, routes)

    def modify(self, routes: Iterable["rib_pb2.RouteEntry"]) -> int:
        """``RouteModify`` (fails with ROUTE_NOT_FOUND for a key not programmed)."""
        return self._set("RouteModify", self.stub.RouteModify, routes)

    def update(self, routes: Iterable["rib_pb2.RouteEntry"]) -> int:
        """``RouteUpdate``: add or replace."""
        return self._set("RouteUpdate", self.stub.RouteUpdate, routes)

    def delete(self, keys: Iterable[KeyLike], table: Optional[str] = None) -> int:
        """``RouteDelete`` of prefixes (``"10.1.0.0/24"``, in ``table``, cookie 0), keys
        (:func:`route_key`) or entries (their key). Only the client id that added a route
        can delete it (others get ROUTE_NOT_FOUND). Returns the number deleted."""
        if isinstance(keys, (str, ipaddress.IPv4Network, ipaddress.IPv6Network,
                             rib_pb2.RouteMatch, rib_pb2.RouteEntry)):
            keys = [keys]

        def to_key(k: KeyLike) -> "rib_pb2.RouteMatch":
            if isinstance(k, rib_pb2.RouteMatch):
                return k
            if isinstance(k, rib_pb2.RouteEntry):
                return k.key
            return route_key(k, table)

        def send(batch, timeout):
            return self.stub.RouteDelete(rib_pb2.RouteDeleteRequest(keys=batch), timeout=timeout)

        return self._batched("RouteDelete", send, (to_key(k) for k in keys))

    def _set(self, call: str, method, routes: Iterable["rib_pb2.RouteEntry"]) -> int:
        if isinstance(routes, rib_pb2.RouteEntry):
            routes = [routes]

        def send(batch, timeout):
            return method(rib_pb2.RouteUpdateRequest(routes=batch), timeout=timeout)

        return self._batched(call, send, routes)

    def _batched(self, call: str, send, items: Iterable) -> int:
        # Each request: at most MAX_BATCH, applied in order, stopping at the first bad
        # route. Later batches are not sent after a failure.
        done = 0
        for batch in _batches(items):
            reply = send(batch, self.timeout)
            done += reply.operations_completed
            self._raise_on_failure(call, reply, operations_completed=done)
        return done

    # -- reading ----------------------------------------------------------------------

    def get(
        self,
        prefix: Optional[Prefix] = None,
        match: str = "exact_or_longer",
        table: Optional[str] = None,
        active_only: bool = False,
        route_count: int = 1000,
        *,
        timeout: Optional[float] = None,
    ) -> Iterator["rib_pb2.RouteEntry"]:
        """``RouteGet``: yields the routes found.

        ``match``: ``"exact_or_longer"`` (``prefix`` and everything more specific; the
        whole table from the default route), ``"exact"`` or ``"best"`` (longest-prefix
        match). ``prefix`` defaults to the table's default route (``0.0.0.0/0``, or
        ``::/0`` for ``inet6.0`` tables); ``table`` as in :func:`route_key`.
        ``route_count`` routes per streamed message (1–1000). The device ends the stream
        with an empty message, where this generator stops. The walk is not a snapshot:
        routes changed meanwhile may or may not appear.
        """
        if prefix is None:
            v6 = table is not None and (table == "inet6.0" or table.endswith(".inet6.0"))
            prefix = "::/0" if v6 else "0.0.0.0/0"
        try:
            match_type = MATCH_TYPES[match.lower()] if isinstance(match, str) else int(match)
        except KeyError:
            raise ValueError(f"match must be one of {sorted(MATCH_TYPES)}, not {match!r}") from None
        request = rib_pb2.RouteGetRequest(
            key=route_key(prefix, table),
            match_type=match_type,
            active_only=active_only,
            route_count=route_count,
        )
        return self._get(request, timeout)

    def _get(self, request: "rib_pb2.RouteGetRequest", timeout: Optional[float]) -> Iterator["rib_pb2.RouteEntry"]:
        # A generator of its own, so that get() checks its arguments at once but starts
        # the RPC only when iterated.
        call = self.stub.RouteGet(request, timeout=timeout)
        try:
            for reply in call:
                self._raise_on_failure("RouteGet", reply)
                if not reply.routes:
                    return  # the terminating empty message
                yield from reply.routes
        finally:
            call.cancel()  # no-op when the stream is over; frees it if abandoned early

    def subscribe(
        self,
        table: str = "inet.0",
        route_count: int = 100,
        policy: Optional[str] = None,
        no_eor: bool = False,
        context: int = 0,
    ) -> "Subscription":
        """``RouteSubscribe``: the table's routes, then ``("END_OF_TABLE", None)``, then
        every change, as ``(op, entry)`` with ``op`` one of ``"ADD"``, ``"MODIFY"``,
        ``"DELETE"`` (the entry then carries only its key), ``"NO_ADVERTISE"``.

        ``policy``: a policy-statement configured on the device that filters the stream.
        ``no_eor``: no END_OF_TABLE marker. ``route_count``: routes per message (1–1000).
        One subscription per table and session: a new one for the same table moves the
        events to it and ends the old stream (its iteration then stops).

        Returns a :class:`Subscription`: iterate it (blocking), and ``cancel()`` it (from
        any thread) or use it as a context manager to stop.
        """
        request = rib_pb2.RouteSubscribeRequest(
            table_name=base_types_pb2.RouteTableName(name=table),
            operation=rib_pb2.SUBSCRIBE_ADD,
            context=context,
            route_count=route_count,
        )
        if policy:
            request.policy.policy = policy
        if no_eor:
            request.flag.no_eor_to_client = True
        return Subscription(self.stub.RouteSubscribe(request))

    # -- purge timer (jnx.jet.routing.base.Base) --------------------------------------

    def purge_timer(self, seconds: int) -> None:
        """``RoutePurgeTimerAdd``: how long (1–1000 s) the device keeps this client id's
        routes after its last session closes. Outlives this session; set it before adding
        routes so it is in force however the app ends. INVALID_PARAMS out of range."""
        reply = self.base_stub.RoutePurgeTimerAdd(
            base_pb2.RoutePurgeTimerAddRequest(time=seconds), timeout=self.timeout
        )
        self._raise_on_failure("RoutePurgeTimerAdd", reply, enum=base_pb2.StatusCode)

    def purge_timer_get(self) -> int:
        """``RoutePurgeTimerGet``: the purge time in force for this client id, seconds."""
        reply = self.base_stub.RoutePurgeTimerGet(
            base_pb2.RoutePurgeTimerGetRequest(), timeout=self.timeout
        )
        self._raise_on_failure("RoutePurgeTimerGet", reply, enum=base_pb2.StatusCode)
        return reply.time

    # -- helpers ----------------------------------------------------------------------

    @staticmethod
    def _raise_on_failure(call: str, reply, operations_completed: int = 0, enum=rib_pb2.StatusCode) -> None:
        if _failed(reply.status):
            raise RibError(
                reply.status.message or f"{call} failed",
                call=call,
                sub_code=_sub_code_name(enum, reply.sub_code),
                operations_completed=operations_completed,
                code=reply.status.code,
                response=reply,
            )


class Subscription:
    """A running ``RouteSubscribe`` (see :meth:`Rib.subscribe`): an iterator of
    ``(op, entry)`` that :meth:`cancel` stops cleanly, from any thread."""

    def __init__(self, call) -> None:
        self._call = call
        self._cancelled = threading.Event()
        self._events = self._iterate()

    def _iterate(self) -> Iterator[Tuple[str, Optional["rib_pb2.RouteEntry"]]]:
        try:
            for reply in self._call:
                Rib._raise_on_failure("RouteSubscribe", reply)
                for entry in reply.routes:
                    op = SUBSCRIBE_OPS.get(entry.operation, f"op {entry.operation}")
                    yield op, (entry.route if entry.HasField("route") else None)
        except grpc.RpcError as exc:
            if self._cancelled.is_set() and exc.code() == grpc.StatusCode.CANCELLED:
                return
            raise

    def __iter__(self) -> "Subscription":
        return self

    def __next__(self) -> Tuple[str, Optional["rib_pb2.RouteEntry"]]:
        return next(self._events)

    def cancel(self) -> None:
        """End the subscription; an iteration in progress stops (StopIteration)."""
        self._cancelled.set()
        self._call.cancel()

    def __enter__(self) -> "Subscription":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.cancel()
