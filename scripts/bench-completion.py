#!/usr/bin/env python3
"""Completion latency in jcli, as a user sees it: jcli on a pseudo-terminal, logged in to
a running jetd, in configuration mode; for each line below, the line is typed, then TAB or
`?`, and the time from that key to the first byte of jcli's answer is taken (jcli computes
the whole answer before writing it), and for `?` also to the end of the list (the prompt
and the line drawn again under it). Then Ctrl-U clears the line.

    scripts/bench-completion.py JCLI ADDRESS [--rounds N]     # JCLI_PASSWORD in the env

Prints one row per case (medians and p99s in ms over the rounds) and the overall figures.
Used by `scripts/bench-device completion`.
"""

import argparse
import os
import pty
import select
import statistics
import sys
import tempfile
import time

CASES = [
    ("set ", "\t"),
    ("set ", "?"),
    ("set protocols o", "\t"),
    ("set system ser", "\t"),
    ("set interfaces ge-0/0/0 ", "?"),
    ("set interfaces ge-0/0/0 unit 0 family inet ", "?"),
    ("set protocols bgp group g neighbor 192.0.2.9 ", "?"),
    ("set class-of-service ", "?"),
    ("set firewall family inet filter f term t from ", "?"),
    ("set policy-options policy-statement p term t then ", "\t"),
]


def read_until(fd, marker: bytes, timeout: float) -> bytes:
    buf = b""
    deadline = time.monotonic() + timeout
    while marker not in buf:
        left = deadline - time.monotonic()
        if left <= 0:
            raise SystemExit(f"timed out waiting for {marker!r}; got {buf[-400:]!r}")
        r, _, _ = select.select([fd], [], [], left)
        if r:
            chunk = os.read(fd, 65536)
            if not chunk:
                raise SystemExit(f"jcli exited; last output {buf[-400:]!r}")
            buf += chunk
    return buf


def drain(fd, quiet: float) -> None:
    while True:
        r, _, _ = select.select([fd], [], [], quiet)
        if not r:
            return
        if not os.read(fd, 65536):
            return


def answer_times(fd, line: str, key: str) -> tuple[float, float]:
    """(first byte, whole answer) in ms: a `?` answer is whole when the prompt and the
    line are drawn again under the list; a TAB answer is one write."""
    t0 = time.perf_counter()
    os.write(fd, key.encode())
    r, _, _ = select.select([fd], [], [], 10.0)
    first = (time.perf_counter() - t0) * 1000.0
    if not r:
        raise SystemExit(f"no answer to {line!r} {key!r} within 10 s")
    if key != "?":
        return first, first
    read_until(fd, ("# " + line).encode(), 10.0)
    return first, (time.perf_counter() - t0) * 1000.0


def pct(sorted_xs: list, p: int) -> float:
    return sorted_xs[min(len(sorted_xs) - 1, int(len(sorted_xs) * p / 100))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("jcli")
    ap.add_argument("address")
    ap.add_argument("--rounds", type=int, default=30)
    args = ap.parse_args()
    home = tempfile.mkdtemp()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update({"TERM": "xterm", "HOME": home})
        os.execv(args.jcli, [args.jcli, "--host", args.address, "--user", "admin"])
    read_until(fd, b"> ", 30)
    os.write(fd, b"configure\r")
    read_until(fd, b"# ", 30)
    drain(fd, 0.2)
    per_case = {c: [] for c in CASES}
    for _ in range(args.rounds):
        for case in CASES:
            line, key = case
            os.write(fd, line.encode())
            drain(fd, 0.05)
            per_case[case].append(answer_times(fd, line, key))
            drain(fd, 0.1)
            os.write(fd, b"\x15")  # Ctrl-U: clear the line
            drain(fd, 0.1)
    os.write(fd, b"\x03exit\r")
    firsts, wholes = [], []
    print(f"{'line':<52} key  first byte: median  p99 | whole answer: median  p99 (ms)")
    for (line, key), times in per_case.items():
        first = sorted(t[0] for t in times)
        whole = sorted(t[1] for t in times)
        firsts += first
        wholes += whole
        shown = "TAB" if key == "\t" else key
        print(f"{line!r:<52} {shown:<4} {statistics.median(first):17.2f} {pct(first, 99):5.2f} |"
              f" {statistics.median(whole):19.2f} {pct(whole, 99):5.2f}")
    for name, xs in (("first byte", firsts), ("whole answer", wholes)):
        xs.sort()
        print(f"all {len(xs)} keys, {name}: median {statistics.median(xs):.2f} ms, "
              f"p99 {pct(xs, 99):.2f} ms, max {xs[-1]:.2f} ms")
    try:
        os.kill(pid, 9)
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
