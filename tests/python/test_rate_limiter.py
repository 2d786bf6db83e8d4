"""python/examples/rate_limiter.py against a real jetd with simulated traffic: the app
watches a unit's counter, installs a policer when a flow exceeds its threshold (the
policer then drops what is above the limit), removes it when the flow stops, and cleans
up on SIGTERM."""

import os
import queue
import signal
import subprocess
import sys
import threading
import time

import openjet
from jetd_harness import PYTHON_DIR, start_device
from openjet.firewall import Firewall

from test_firewall import NET

EXAMPLE = PYTHON_DIR / "examples" / "rate_limiter.py"


class App:
    """The example as a subprocess; its stdout lines arrive on a queue."""

    def __init__(self, device, *args):
        env = {k: v for k, v in os.environ.items() if not k.startswith("JET_")}
        env.update(PYTHONPATH=str(PYTHON_DIR), JET_PASSWORD=device.password,
                   JET_ADDRESS=device.clear_address, JET_CLIENT_ID="py-limiter")
        self.proc = subprocess.Popen(
            [sys.executable, str(EXAMPLE), *args], env=env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        self.lines = queue.Queue()
        self.seen = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def expect(self, prefix, timeout=20):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = self.lines.get(timeout=max(0.01, end - time.monotonic()))
            except queue.Empty:
                break
            self.seen.append(line)
            if line.startswith(prefix):
                return line
        raise AssertionError(
            f"no line starting {prefix!r} within {timeout} s; saw {self.seen}; "
            f"exit {self.proc.poll()}; stderr {self.stderr_now()}"
        )

    def stderr_now(self):
        if self.proc.poll() is None:
            return "(running)"
        return self.proc.stderr.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=30)


def test_rate_limiter_limits_a_flow_above_the_threshold_and_lets_go_when_it_stops(tmp_path):
    device = start_device(tmp_path)
    app = None
    try:
        ch = device.logged_in(device.clear_channel(), client_id="py-traffic")
        openjet.config_set(ch, NET)
        app = App(device, "--interface", "ge-0/0/0.0", "--threshold-pps", "500",
                  "--limit-bps", "1000000", "--interval", "1", "--quiet", "2")
        app.expect("watching ge-0/0/0.0")
        assert "Filter: rate-limiter" in openjet.op_command(ch, "show firewall filter rate-limiter")
        # 200 pps: below the threshold, nothing happens.
        openjet.op_command(
            ch, "request interface simulate-traffic ge-0/0/0.0 source 10.0.0.2 "
                "destination 192.0.2.1 rate 200 size 500 protocol udp duration 3")
        rates = [int(app.expect("rate ").split()[1]) for _ in range(3)]
        assert any(150 <= r <= 250 for r in rates), rates
        assert not any(l.startswith("limit on") for l in app.seen), app.seen
        # 2000 pps of 500 bytes = 8 Mbit/s: limited to 1 Mbit/s (250 pps).
        openjet.op_command(
            ch, "request interface simulate-traffic ge-0/0/0.0 source 10.0.0.2/16 "
                "destination 192.0.2.1 rate 2000 size 500 protocol udp duration 6")
        on = app.expect("limit on:")
        assert "policing to 1000000 bit/s" in on, on
        # The policer is in the path now: it drops what is above the limit.
        time.sleep(2.5)
        fw = Firewall(ch)
        dropped = fw.policer_counter("rate-limiter", "rate-limiter-pol")
        assert dropped.packets > 1000, dropped
        trace = openjet.op_command(
            ch, "test forwarding packet interface ge-0/0/0.0 source 10.0.0.2 destination 192.0.2.1 "
                "protocol udp destination-port 53 length 500")
        assert "Filter: rate-limiter (client py-limiter) at ge-0/0/0.0 input" in trace, trace
        assert "policer rate-limiter-pol" in trace, trace
        # The flow ends: after 2 quiet seconds the limit goes.
        off = app.expect("limit off:", timeout=20)
        assert int(off.split("dropped ")[1].split()[0]) >= dropped.packets, off
        text = openjet.op_command(ch, "show policer")
        assert "rate-limiter-pol" not in text, text
        assert app.stop() == 0, app.stderr_now()
        app.expect("removed")
        assert "rate-limiter" not in openjet.op_command(ch, "show firewall")
        ch.close()
    finally:
        if app is not None and app.proc.poll() is None:
            app.proc.kill()
        device.stop()


def test_rate_limiter_reports_a_refusal_and_exits_1(tmp_path):
    device = start_device(tmp_path)
    try:
        ch = device.logged_in(device.clear_channel(), client_id="py-traffic")
        openjet.config_set(ch, NET)
        app = App(device, "--interface", "ge-0/0/7.0", "--threshold-pps", "500", "--limit-bps", "1000000")
        assert app.proc.wait(timeout=60) == 1
        err = app.proc.stderr.read()
        assert "FilterBindAdd failed: EINVALID_MESSAGE" in err and "ge-0/0/7.0" in err, err
        ch.close()
    finally:
        device.stop()
