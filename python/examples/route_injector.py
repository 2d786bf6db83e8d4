#!/usr/bin/env python3
"""route_injector.py: a JET app that programs routes into a device's RIB, written with the
Python SDK (openjet.rib). Start with show_version.py (connect and log in); this one adds
the RIB service and the rules that come with it. It mirrors the Rust example
examples/route-injector.

    route_injector.py add 10.1.0.0/24 10.2.0.0/24 --via 192.0.2.1 [--table inet.0] \
        [--preference N] [--purge-time SECS]
    route_injector.py get [10.0.0.0/8] [--table inet.0]
    route_injector.py watch [--table inet.0] [--count N]
    route_injector.py delete 10.1.0.0/24 [--table inet.0]
    route_injector.py cleanup

Every run is one connection, and one connection is one JET session:
Login -> RouteInitialize -> the calls of the subcommand -> exit (the connection closes).

Who owns the routes: the client id
    Routes belong to the client id given at Login (JET_CLIENT_ID), not to the process or
    the connection. So `add` can exit and a later `delete` with the same client id can
    remove what it added; another client id cannot (ROUTE_NOT_FOUND). Run `watch` under
    its own client id (JET_CLIENT_ID=route-watcher) to keep it apart from the routes.

Purge timer and rebind
    When the last session of a client id closes, the device keeps its routes for the
    purge time (120 s by default; `add --purge-time SECS` sets 1-1000 s) and then removes
    them. A new session of the same client id that calls RouteInitialize within that time
    gets them back: the device answers SUCCESS_REBOUND and how many routes, printed as
    `rebound N routes` (`initialized: fresh` otherwise). `cleanup` removes them at once.

Settings
    Options, or the environment: JET_ADDRESS (default 127.0.0.1:32767), JET_USER (admin),
    JET_CA (a CA file switches to TLS; clear text without), JET_SERVER_NAME,
    JET_CLIENT_ID (route-injector). The password only from JET_PASSWORD, never on the
    command line, where `ps` would show it to every user of the machine.

    export JET_PASSWORD="$(cat jetd-data/initial-admin-password)"
    python3 route_injector.py add 10.1.0.0/24 --via 192.0.2.1 --purge-time 30

Exit status: 0 on success; 1 on any error, including a request the device refuses
(printed to stderr as `CALL failed: SUB_CODE: message`); 2 for bad command-line usage.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
from typing import Optional

try:
    import openjet
except ImportError:  # running from a source checkout without `pip install ./python`
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import openjet

import grpc

from openjet.rib import Rib, gateways_of, preference_of, prefix_of, route


# ---------------------------------------------------------------------------------------
# Command line. The app checks only the *syntax* of what you type: `10.1.0.1/24` is an
# address, a `/` and a number, so it is accepted here. Whether it is a valid route (host
# bits set, length too long, unknown table, unreachable gateway...) is the device's call:
# it answers with a JET status and a sub-code such as PREFIX_LEN_TOO_SHORT, and a JET app
# should show that answer rather than guess it in advance.


def prefix_arg(text: str) -> str:
    """ADDRESS/LENGTH, IPv4 or IPv6 (argparse reports the error as a usage error)."""
    addr, sep, length = text.partition("/")
    if not sep:
        raise argparse.ArgumentTypeError(f"'{text}' is not ADDRESS/LENGTH (for example 10.1.0.0/24)")
    try:
        ipaddress.ip_address(addr)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{addr}' in '{text}' is not an IPv4 or IPv6 address") from None
    if not length.isdigit():
        raise argparse.ArgumentTypeError(f"'{length}' in '{text}' is not a prefix length")
    return text


def address_arg(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not an IPv4 or IPv6 address") from None


def positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a positive number")
    return int(text)


def parse_args() -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(
        prog="route_injector.py",
        description="Program, read and watch the routes of a JET device (RIB service).")
    parser.add_argument("--address", default=env("JET_ADDRESS") or "127.0.0.1:32767",
                        help="host:port of the JET gRPC service (env JET_ADDRESS)")
    parser.add_argument("--user", default=env("JET_USER") or "admin",
                        help="login user (env JET_USER)")
    parser.add_argument("--ca", default=env("JET_CA") or None,
                        help="CA certificate that signed the device's certificate (env JET_CA); "
                             "omit for clear text")
    parser.add_argument("--server-name", default=env("JET_SERVER_NAME") or None,
                        help="name to check the server certificate against (env JET_SERVER_NAME)")
    parser.add_argument("--client-id", default=env("JET_CLIENT_ID") or "route-injector",
                        help="JET client id, the owner of the routes (env JET_CLIENT_ID)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    add = sub.add_parser("add", help="add routes (RouteAdd) through one or more gateways")
    add.add_argument("prefixes", nargs="+", type=prefix_arg, metavar="PREFIX/LEN")
    add.add_argument("--via", action="append", required=True, type=address_arg,
                     metavar="GATEWAY", help="gateway address; repeat for equal-cost multipath")
    add.add_argument("--table", default=None,
                     help="routing table (default inet.0, or inet6.0 for IPv6 prefixes)")
    add.add_argument("--preference", type=int, metavar="N",
                     help="preference (admin distance; the device raises values below 5 to 5)")
    add.add_argument("--purge-time", type=int, metavar="SECS",
                     help="seconds the device keeps this client's routes after it disconnects "
                          "(1-1000)")

    get = sub.add_parser("get", help="list routes (RouteGet): PREFIX and everything longer, "
                                     "the whole table by default")
    get.add_argument("prefix", nargs="?", type=prefix_arg, metavar="PREFIX/LEN")
    get.add_argument("--table", default=None,
                     help="routing table (default inet.0, or inet6.0 for an IPv6 prefix)")

    watch = sub.add_parser("watch", help="print the table, END_OF_TABLE, then every change "
                                         "(RouteSubscribe)")
    watch.add_argument("--table", default="inet.0", help="routing table (default inet.0)")
    watch.add_argument("--count", type=positive_int, metavar="N",
                       help="exit after this many changes (default: run until Ctrl-C)")

    delete = sub.add_parser("delete", help="delete routes this client id added (RouteDelete)")
    delete.add_argument("prefixes", nargs="+", type=prefix_arg, metavar="PREFIX/LEN")
    delete.add_argument("--table", default=None,
                        help="routing table (default inet.0, or inet6.0 for IPv6 prefixes)")

    sub.add_parser("cleanup", help="remove every route of this client id now (RouteCleanup)")
    return parser.parse_args()


# ---------------------------------------------------------------------------------------
# Output


def describe(entry) -> str:
    """`10.1.0.0/24 via 192.0.2.1 pref 5`: one route as the app prints it. Several
    gateways are joined with commas; a route without gateways is a discard route."""
    via = ",".join(gateways_of(entry)) or "discard"
    pref = preference_of(entry)
    return f"{prefix_of(entry)} via {via} pref {'-' if pref is None else pref}"


class AppError(Exception):
    """A failure main() prints as it is and exits 1 for."""


# ---------------------------------------------------------------------------------------
# The subcommands. Each gets the session's Rib. JET reports most failures *inside* a
# successful gRPC reply (status FAILURE, a message and a sub-code); the SDK turns those
# into openjet.RibError, which main() prints.


def initialize(rib: Rib) -> None:
    """RouteInitialize: the first RIB call of every session, and the one that rebinds.

    An app that restarts (or crashes) keeps its routes as long as it comes back within
    the purge time, so it must not assume a fresh start: the answer says which it is.
    """
    sub_code, routes = rib.initialize()
    if sub_code == "SUCCESS_REBOUND":
        print(f"rebound {routes} routes")
    elif sub_code == "ALREADY_INITIALIZED":  # only when one connection initializes twice
        print(f"initialized: already ({routes} routes)")
    else:
        print("initialized: fresh")


def cmd_add(rib: Rib, args: argparse.Namespace) -> None:
    # The purge timer belongs to the client id and outlives this session. Setting it
    # before adding routes means it is in force however this process ends.
    if args.purge_time is not None:
        rib.purge_timer(args.purge_time)
        print(f"purge time: {args.purge_time} s")

    # route() builds the nested RouteEntry message: key (prefix, length, table), next hop
    # (one gateway per --via: ECMP), attributes (preference). Gateways given by address
    # only are resolved by the device through its own routes (e.g. an interface subnet).
    entries = [route(p, args.via, table=args.table, preference=args.preference)
               for p in args.prefixes]
    try:
        # Rib.add sends at most 1000 routes per RouteAdd. A batch is applied in order and
        # stops at the first bad route: those before it stay programmed (an app that wants
        # all-or-nothing has to delete them itself).
        added = rib.add(entries)
    except openjet.RibError as exc:
        # str(exc) reads "RouteAdd failed: PREFIX_LEN_TOO_SHORT: <the device's message>";
        # exc.sub_code alone is "PREFIX_LEN_TOO_SHORT", for an app that wants to decide.
        raise AppError(f"{exc} ({exc.operations_completed} of {len(entries)} routes added)") from exc
    print(f"added {added} routes")


def cmd_get(rib: Rib, args: argparse.Namespace) -> None:
    # EXACT_OR_LONGER from the default route is the whole table. The reply streams up to
    # 1000 routes per message and ends with an empty one; Rib.get hides both.
    for entry in rib.get(args.prefix, match="exact_or_longer", table=args.table):
        print(describe(entry))


def cmd_watch(rib: Rib, args: argparse.Namespace) -> None:
    # One subscription per table and session: a second RouteSubscribe for the same table
    # moves the events to the new stream and ends this one.
    changes = 0
    in_table_dump = True
    with rib.subscribe(table=args.table, route_count=1000) as subscription:
        for op, entry in subscription:
            if op == "END_OF_TABLE":
                # Everything before this was the table as it was; everything after is news.
                print("END_OF_TABLE", flush=True)
                in_table_dump = False
                continue
            # A deleted route is reported by its key only: no next hop, no attributes.
            text = prefix_of(entry) if op == "DELETE" or entry is None else describe(entry)
            print(f"{op} {text}", flush=True)  # flush: someone may be reading a pipe
            if not in_table_dump:
                changes += 1
                if args.count is not None and changes >= args.count:
                    return
    raise AppError(
        f"the device ended the subscription to {args.table} "
        "(another RouteSubscribe for it, or shutdown)")


def cmd_delete(rib: Rib, args: argparse.Namespace) -> None:
    try:
        deleted = rib.delete(args.prefixes, table=args.table)
    except openjet.RibError as exc:
        raise AppError(
            f"{exc} ({exc.operations_completed} of {len(args.prefixes)} routes deleted)") from exc
    print(f"deleted {deleted} routes")


def cmd_cleanup(rib: Rib, args: argparse.Namespace) -> None:
    rib.cleanup()
    print(f"removed every route of client '{args.client_id}'")


COMMANDS = {"add": cmd_add, "get": cmd_get, "watch": cmd_watch, "delete": cmd_delete,
            "cleanup": cmd_cleanup}


# ---------------------------------------------------------------------------------------


def error(message: str) -> int:
    print(f"route_injector: {message}", file=sys.stderr)
    return 1


def main() -> int:
    args = parse_args()
    password: Optional[str] = os.environ.get("JET_PASSWORD")
    if not password:
        return error("JET_PASSWORD is not set (the password of the JET user)")

    # 1. Connect and log in, as in show_version.py. The client id given here owns every
    #    route this session adds.
    channel = openjet.connect(args.address, ca=args.ca, server_name=args.server_name)
    try:
        try:
            openjet.login(channel, args.user, password, client_id=args.client_id)
        except openjet.LoginError as exc:
            return error(f"login as '{args.user}' failed: {exc}")

        # 2. RouteInitialize before any other RIB call on this connection (the device
        #    answers NOT_INITIALIZED otherwise). It also says whether routes of an earlier
        #    session of this client id were waiting for us (rebound).
        rib = Rib(channel)
        initialize(rib)

        # 3. The subcommand.
        COMMANDS[args.command](rib, args)
        return 0
    except (AppError, openjet.JetError) as exc:
        # An openjet.RibError reads "CALL failed: SUB_CODE: <the device's message>".
        return error(str(exc))
    except grpc.RpcError as exc:  # not a JET answer: connection lost, not logged in...
        return error(f"gRPC error: {exc.code().name}: {exc.details()}")
    except KeyboardInterrupt:  # Ctrl-C during `watch`: the subscription ends with us
        return 0
    finally:
        # 4. Closing the channel ends the session. Our routes stay, for the purge time,
        #    unless another session of our client id is still open.
        channel.close()


if __name__ == "__main__":
    sys.exit(main())
