#!/usr/bin/env python3
"""rate_limiter.py: a JET app that watches the traffic entering an interface unit and
rate-limits it while it is above a threshold, written with the Python SDK
(openjet.firewall).

    rate_limiter.py --interface ge-0/0/0.0 --threshold-pps 500 --limit-bps 1000000 \
        [--burst BYTES] [--interval SECS] [--quiet SECS] [--duration SECS]

What it does
    1. Installs filter `rate-limiter` (one term, `all`, counting every packet in counter
       `seen` and accepting it) and binds it to the unit's input.
    2. Every --interval seconds reads the counter (FilterCounterGet) and prints the rate
       (`rate N pps`).
    3. When the rate exceeds --threshold-pps it adds two-color policer `rate-limiter-pol`
       (--limit-bps bit/s, --burst bytes, out-of-spec packets discarded) and replaces term
       `all` by the same term with the policer (FilterModify REPLACE: the counter keeps its
       value, and still counts the traffic offered): `limit on: ...`.
    4. When the rate has stayed at or below the threshold for --quiet seconds it replaces
       the term back and deletes the policer: `limit off: ... dropped P packets`, P read
       from the policer's counter (PolicerCounterGet) first.
    5. On SIGTERM/SIGINT, or after --duration seconds, it unbinds and deletes the filter
       and the policer and exits 0.

Against jetd, traffic comes from the device's simulated flows, e.g.
    request interface simulate-traffic ge-0/0/0.0 source 10.0.0.2/16 \
        destination 192.0.2.1 rate 2000 size 500 protocol udp duration 10

Ownership: the filter and the policer belong to the client id (JET_CLIENT_ID, default
rate-limiter). If the app dies, the device removes them after the purge time, which the
app sets to --interval * 5 seconds (at least 5): a crashed limiter does not leave the
customer limited for long.

Settings: options, or the environment: JET_ADDRESS (default 127.0.0.1:32767), JET_USER
(admin), JET_CA (a CA file switches to TLS), JET_SERVER_NAME, JET_CLIENT_ID; the password
only from JET_PASSWORD.

Exit status: 0 on a clean stop; 1 on a refusal from the device (printed as
`CALL failed: SUB_CODE: message`) or a lost connection; 2 for bad usage.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import grpc  # noqa: E402

import openjet  # noqa: E402
from openjet.firewall import Firewall, replace_term, term  # noqa: E402

FILTER = "rate-limiter"
POLICER = "rate-limiter-pol"
COUNTER = "seen"


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--address", default=os.environ.get("JET_ADDRESS", "127.0.0.1:32767"))
    p.add_argument("--user", default=os.environ.get("JET_USER", "admin"))
    p.add_argument("--ca", default=os.environ.get("JET_CA"))
    p.add_argument("--server-name", default=os.environ.get("JET_SERVER_NAME"))
    p.add_argument("--client-id", default=os.environ.get("JET_CLIENT_ID", "rate-limiter"))
    p.add_argument("--interface", required=True, help="interface unit, like ge-0/0/0.0")
    p.add_argument("--threshold-pps", type=float, required=True)
    p.add_argument("--limit-bps", type=int, required=True)
    p.add_argument("--burst", type=int, default=15_000, help="policer burst, bytes")
    p.add_argument("--interval", type=float, default=1.0)
    p.add_argument("--quiet", type=float, default=3.0,
                   help="seconds at or below the threshold before the limit is removed")
    p.add_argument("--duration", type=float, default=0.0, help="stop after SECS (0: run until signalled)")
    a = p.parse_args(argv)
    if a.interval <= 0 or a.threshold_pps < 0 or a.limit_bps <= 0:
        p.error("--interval and --limit-bps must be > 0, --threshold-pps >= 0")
    return a


def plain_term():
    return term("all", count=COUNTER, then="accept")


def limited_term():
    return term("all", count=COUNTER, policer=POLICER, then="accept")


class Limiter:
    def __init__(self, fw: Firewall, args) -> None:
        self.fw = fw
        self.args = args
        self.limited = False
        self.quiet_since = None

    def install(self) -> None:
        self.fw.set_purge_timer(max(5, int(self.args.interval * 5)))
        self.fw.add_filter(FILTER, [plain_term()])
        try:
            self.fw.bind(FILTER, self.args.interface, "input")
        except openjet.FirewallError:
            self.fw.delete_filter(FILTER)  # leave nothing behind
            raise
        print(f"watching {self.args.interface}: limit above {self.args.threshold_pps:g} pps "
              f"to {self.args.limit_bps} bit/s", flush=True)

    def step(self, pps: float, now: float) -> None:
        a = self.args
        if pps > a.threshold_pps:
            self.quiet_since = None
            if not self.limited:
                self.fw.add_policer(POLICER, bandwidth=a.limit_bps, burst=a.burst)
                self.fw.modify_filter(FILTER, [replace_term(limited_term())])
                self.limited = True
                print(f"limit on: {pps:.0f} pps > {a.threshold_pps:g} pps, policing to "
                      f"{a.limit_bps} bit/s", flush=True)
            return
        if not self.limited:
            return
        if self.quiet_since is None:
            self.quiet_since = now
        if now - self.quiet_since >= a.quiet:
            dropped = self.fw.policer_counter(FILTER, POLICER)
            self.release()
            print(f"limit off: {pps:.0f} pps for {a.quiet:g} s, dropped {dropped.packets} packets",
                  flush=True)

    def release(self) -> None:
        if self.limited:
            self.fw.modify_filter(FILTER, [replace_term(plain_term())])
            self.fw.delete_policer(POLICER)
            self.limited = False
        self.quiet_since = None

    def remove(self) -> None:
        self.release()
        self.fw.unbind(FILTER, self.args.interface, "input")
        self.fw.delete_filter(FILTER)
        print("removed", flush=True)


def main(argv=None) -> int:
    args = parse_args(argv)
    password = os.environ.get("JET_PASSWORD")
    if password is None:
        print("set JET_PASSWORD", file=sys.stderr)
        return 2
    stop = {"now": False}

    def on_signal(_sig, _frame):
        stop["now"] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if args.ca:
        channel = openjet.connect(args.address, ca=args.ca, server_name=args.server_name)
    else:
        channel = openjet.connect(args.address)
    try:
        openjet.login(channel, args.user, password, args.client_id)
        fw = Firewall(channel)
        limiter = Limiter(fw, args)
        limiter.install()
        try:
            last = fw.counter(FILTER, COUNTER)
            last_at = time.monotonic()
            end = last_at + args.duration if args.duration > 0 else None
            while not stop["now"] and (end is None or time.monotonic() < end):
                time.sleep(args.interval)
                now = time.monotonic()
                seen = fw.counter(FILTER, COUNTER)
                pps = (seen.packets - last.packets) / (now - last_at)
                last, last_at = seen, now
                print(f"rate {pps:.0f} pps", flush=True)
                limiter.step(pps, now)
        finally:
            limiter.remove()
        return 0
    except openjet.FirewallError as e:
        print(str(e), file=sys.stderr)
        return 1
    except openjet.LoginError as e:
        print(f"login refused: {e}", file=sys.stderr)
        return 1
    except grpc.RpcError as e:
        print(f"connection failed: {e.code().name}: {e.details()}", file=sys.stderr)
        return 1
    finally:
        channel.close()


if __name__ == "__main__":
    sys.exit(main())
