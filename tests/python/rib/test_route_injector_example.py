"""python/examples/route_injector.py: every run is a separate process, so a separate JET
session, exactly as a user would run it (as tests/python/test_example.py runs
show_version.py)."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading

import openjet

from jetd_harness import PYTHON_DIR

EXAMPLE = PYTHON_DIR / "examples" / "route_injector.py"
RUN_TIMEOUT = 60


def injector_env(dev, client_id: str, tls: bool = False, password: bool = True) -> dict:
    """The device's address and password and the given client id; every other JET_*
    variable removed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JET_")}
    env["PYTHONPATH"] = str(PYTHON_DIR)
    env["JET_CLIENT_ID"] = client_id
    if password:
        env["JET_PASSWORD"] = dev.password
    if tls:
        env.update(JET_ADDRESS=dev.ssl_address, JET_CA=str(dev.ca), JET_SERVER_NAME="localhost")
    else:
        env["JET_ADDRESS"] = dev.clear_address
    return env


def run(dev, client_id: str, *args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(EXAMPLE), *args], env=injector_env(dev, client_id, **kw),
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=RUN_TIMEOUT,
    )


def show(dev, command: str) -> str:
    """`show route ...` as text, through the SDK on a session of its own."""
    ch = dev.logged_in(dev.clear_channel(), client_id="py-show-route")
    try:
        return openjet.op_command(ch, command)
    finally:
        ch.close()


def test_add_programs_static_routes_that_show_route_displays(routed_jetd):
    out = run(routed_jetd, "injector", "add", "10.1.0.0/24", "10.1.1.0/24", "--via", "192.0.2.1")
    assert out.returncode == 0, out
    assert out.stdout == "initialized: fresh\nadded 2 routes\n"

    text = show(routed_jetd, "show route 10.1.0.0/24 exact")
    assert "10.1.0.0/24        *[Static/5] " in text, text
    assert ">  to 192.0.2.1 via ge-0/0/0.0" in text, text
    assert "10.1.1.0/24" not in text, f"exact shows one route: {text}"
    info = show(routed_jetd, "show route client-info")
    line = next((l for l in info.splitlines() if l.startswith("injector ")), None)
    assert line is not None, info
    assert " 2 " in line, f"owns 2 routes: {line}"


def test_add_over_tls_with_preference_and_ecmp_then_get_from_another_client(routed_jetd):
    out = run(routed_jetd, "injector", "add", "10.1.0.0/24", "10.1.1.0/24", "10.9.0.0/16",
              "--via", "192.0.2.1", "--via", "192.0.2.2", "--preference", "7", tls=True)
    assert out.returncode == 0, out
    # Routes are visible to every client id, owned by one.
    out = run(routed_jetd, "reader", "get", "10.1.0.0/16")
    assert out.returncode == 0, out
    assert out.stdout == (
        "initialized: fresh\n"
        "10.1.0.0/24 via 192.0.2.1,192.0.2.2 pref 7\n"
        "10.1.1.0/24 via 192.0.2.1,192.0.2.2 pref 7\n"
    )
    everything = run(routed_jetd, "reader", "get").stdout
    assert "10.9.0.0/16 via 192.0.2.1,192.0.2.2 pref 7\n" in everything, everything
    assert "192.0.2.0/24 via ge-0/0/0.0 pref 0\n" in everything, everything


def test_ipv6_prefixes_go_to_inet6_0_without_a_table_option(routed_jetd):
    out = run(routed_jetd, "injector", "add", "2001:db8:1::/48", "--via", "2001:db8::1")
    assert out.returncode == 0, out
    assert out.stdout.endswith("added 1 routes\n"), out
    text = show(routed_jetd, "show route table inet6.0")
    assert "2001:db8:1::/48    *[Static/5] " in text, text
    out = run(routed_jetd, "reader", "get", "--table", "inet6.0")
    assert "2001:db8:1::/48 via 2001:db8::1 pref 5\n" in out.stdout, out


def test_a_second_run_within_the_purge_time_rebinds_the_routes(routed_jetd):
    out = run(routed_jetd, "rebinder", "add", "10.1.0.0/24", "10.2.0.0/24", "10.3.0.0/24",
              "--via", "192.0.2.1", "--purge-time", "60")
    assert out.stdout == "initialized: fresh\npurge time: 60 s\nadded 3 routes\n", out
    # The process has exited: its session is over and the 60 s purge time runs.
    out = run(routed_jetd, "rebinder", "get", "10.0.0.0/8")
    assert out.returncode == 0, out
    assert out.stdout.startswith("rebound 3 routes\n"), out
    assert len(out.stdout.splitlines()) == 4, f"and lists them: {out.stdout}"
    # Rebound routes are the client's again: it can delete them.
    out = run(routed_jetd, "rebinder", "delete", "10.1.0.0/24")
    assert out.stdout == "rebound 3 routes\ndeleted 1 routes\n", out
    text = show(routed_jetd, "show route")
    assert "10.1.0.0/24 " not in text and "10.2.0.0/24 " in text, text


def test_a_prefix_with_host_bits_set_exits_1_naming_the_devices_sub_code(routed_jetd):
    out = run(routed_jetd, "injector", "add", "10.1.0.1/24", "--via", "192.0.2.1")
    assert out.returncode == 1, out
    # The sub-code is the device's answer (the app checks syntax only).
    assert "RouteAdd failed: PREFIX_LEN_TOO_SHORT: " in out.stderr, out
    assert "10.1.0.1/24 has host bits set" in out.stderr, out
    assert "(0 of 1 routes added)" in out.stderr, out
    assert "added" not in out.stdout, out
    assert "Static" not in show(routed_jetd, "show route 10.1.0.0/24"), "nothing added"


def test_a_batch_stops_at_the_first_bad_route_keeping_those_before_it(routed_jetd):
    out = run(routed_jetd, "injector", "add", "10.5.0.0/24", "10.1.0.1/24", "10.6.0.0/24",
              "--via", "192.0.2.1")
    assert out.returncode == 1, out
    assert "(1 of 3 routes added)" in out.stderr, out
    out = run(routed_jetd, "reader", "get", "10.0.0.0/8")
    assert out.stdout == "initialized: fresh\n10.5.0.0/24 via 192.0.2.1 pref 5\n", out


def test_only_the_owner_deletes_and_cleanup_removes_all_of_a_client(routed_jetd):
    assert run(routed_jetd, "owner", "add", "10.1.0.0/24", "10.2.0.0/24",
               "--via", "192.0.2.1").returncode == 0
    assert run(routed_jetd, "other", "add", "10.3.0.0/24", "--via", "192.0.2.1").returncode == 0

    out = run(routed_jetd, "intruder", "delete", "10.1.0.0/24")
    assert out.returncode == 1, out
    assert "RouteDelete failed: ROUTE_NOT_FOUND: " in out.stderr, out
    assert "(0 of 1 routes deleted)" in out.stderr, out

    out = run(routed_jetd, "owner", "cleanup")
    assert out.stdout == "rebound 2 routes\nremoved every route of client 'owner'\n", out
    out = run(routed_jetd, "reader", "get", "10.0.0.0/8")
    assert out.stdout == "initialized: fresh\n10.3.0.0/24 via 192.0.2.1 pref 5\n", out


def test_watch_prints_the_table_then_the_changes_made_meanwhile(routed_jetd):
    assert run(routed_jetd, "injector", "add", "10.1.0.0/24", "--via", "192.0.2.1").returncode == 0
    watch = subprocess.Popen(
        [sys.executable, str(EXAMPLE), "watch", "--count", "2"],
        env=injector_env(routed_jetd, "watcher"), stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        lines: queue.Queue = queue.Queue()

        def pump():
            for line in watch.stdout:
                lines.put(line.rstrip("\n"))
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        seen = []
        # Change the table only once it has been sent, so the change cannot be in the dump.
        while not seen or seen[-1] != "END_OF_TABLE":
            line = lines.get(timeout=RUN_TIMEOUT)
            assert line is not None, f"watch ended before END_OF_TABLE: {seen}"
            seen.append(line)
        assert seen[0] == "initialized: fresh"
        assert "ADD 10.1.0.0/24 via 192.0.2.1 pref 5" in seen, seen

        assert run(routed_jetd, "injector", "add", "10.2.0.0/24",
                   "--via", "192.0.2.1").returncode == 0
        assert run(routed_jetd, "injector", "delete", "10.1.0.0/24").returncode == 0
        assert watch.wait(timeout=RUN_TIMEOUT) == 0, watch.stderr.read()
        rest = []
        while (line := lines.get(timeout=RUN_TIMEOUT)) is not None:
            rest.append(line)
        assert rest == ["ADD 10.2.0.0/24 via 192.0.2.1 pref 5", "DELETE 10.1.0.0/24"]
    finally:
        if watch.poll() is None:
            watch.kill()
            watch.wait()


def test_an_out_of_range_purge_time_is_refused_before_any_route_is_added(routed_jetd):
    out = run(routed_jetd, "injector", "add", "10.1.0.0/24", "--via", "192.0.2.1",
              "--purge-time", "0")
    assert out.returncode == 1, out
    assert "RoutePurgeTimerAdd failed: INVALID_PARAMS: " in out.stderr, out
    assert "Static" not in show(routed_jetd, "show route")


def test_a_malformed_prefix_is_a_usage_error_naming_it(routed_jetd):
    out = run(routed_jetd, "injector", "add", "10.1.0.0", "--via", "192.0.2.1")
    assert out.returncode == 2, out
    assert "'10.1.0.0'" in out.stderr, out
    assert out.stdout == "", "nothing sent"


def test_missing_password_exits_1_naming_the_variable(routed_jetd):
    out = run(routed_jetd, "injector", "get", password=False)
    assert out.returncode == 1, out
    assert "JET_PASSWORD" in out.stderr, out
    assert out.stdout == ""
