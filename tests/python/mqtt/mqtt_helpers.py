"""Fixtures: the jet-notify example broker on a free loopback port.

The binary is $JET_NOTIFY_BROKER_BIN (default: <repo>/target/debug/examples/broker;
build it with `cargo build -p jet-notify --example broker`). Each broker runs with
`--stdin-lifeline`, so it stops when the fixture closes its stdin; what it prints on
stderr at exit (its statistics) is available to the test.
"""

from __future__ import annotations

import os
import queue
import re
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest

REPO = Path(__file__).resolve().parents[3]


def broker_bin() -> Path:
    path = Path(os.environ.get("JET_NOTIFY_BROKER_BIN", REPO / "target" / "debug" / "examples" / "broker"))
    if not path.is_absolute():
        path = REPO / path
    if not path.is_file():
        pytest.skip(f"broker binary not found at {path}: cargo build -p jet-notify --example broker")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Broker:
    port: int
    proc: subprocess.Popen
    stderr: str = ""

    def stop(self) -> str:
        """Stops the broker; returns what it printed on stderr (its statistics)."""
        if not self.proc.stdin.closed:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.stderr = self.proc.stderr.read()
        return self.stderr

    def stat(self, name: str) -> int:
        m = re.search(rf"{name}: (\d+)", self.stop())
        assert m, self.stderr
        return int(m.group(1))


@pytest.fixture
def start_broker():
    """Factory: start_broker("--allow", "127.0.0.2/32", ...) -> Broker."""
    started: list[Broker] = []

    def start(*args: str) -> Broker:
        port = free_port()
        proc = subprocess.Popen(
            [str(broker_bin()), str(port), "--stdin-lifeline", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = proc.stdout.readline()
        assert line.startswith("listening on"), line
        b = Broker(port, proc)
        started.append(b)
        return b

    yield start
    for b in started:
        b.stop()


@pytest.fixture
def broker(start_broker) -> Broker:
    return start_broker()


@dataclass
class Client:
    """A paho client running its network loop in a thread, with queues of events."""

    client: mqtt.Client
    connacks: "queue.Queue" = field(default_factory=queue.Queue)
    messages: "queue.Queue" = field(default_factory=queue.Queue)
    subacks: "queue.Queue" = field(default_factory=queue.Queue)
    pubacks: "queue.Queue" = field(default_factory=queue.Queue)
    disconnects: "queue.Queue" = field(default_factory=queue.Queue)

    def message(self, timeout: float = 5.0) -> mqtt.MQTTMessage:
        return self.messages.get(timeout=timeout)

    def no_message(self, wait: float = 0.5) -> None:
        with pytest.raises(queue.Empty):
            self.messages.get(timeout=wait)

    def subscribe(self, topic: str, qos: int = 0, **kw):
        self.client.subscribe(topic, qos, **kw)
        return self.subacks.get(timeout=5)


def make_client(port: int, client_id: str, protocol=mqtt.MQTTv311, wait=True, **connect_kw) -> Client:
    c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=protocol)
    w = Client(c)
    c.on_connect = lambda cl, ud, flags, rc, props: w.connacks.put((rc, flags, props))
    c.on_message = lambda cl, ud, msg: w.messages.put(msg)
    c.on_subscribe = lambda cl, ud, mid, rcs, props: w.subacks.put(rcs)
    c.on_publish = lambda cl, ud, mid, rc, props: w.pubacks.put((mid, rc))
    c.on_disconnect = lambda cl, ud, flags, rc, props: w.disconnects.put(rc)
    c.connect("127.0.0.1", port, keepalive=30, **connect_kw)
    c.loop_start()
    if wait:
        rc, _, _ = w.connacks.get(timeout=5)
        assert not rc.is_failure, rc
    return w


@pytest.fixture
def clients():
    made: list[Client] = []

    def make(*a, **kw) -> Client:
        c = make_client(*a, **kw)
        made.append(c)
        return c

    yield make
    for c in made:
        c.client.loop_stop()
        c.client.disconnect()


def wait_until(pred, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < deadline, "condition never held"
        time.sleep(0.02)
