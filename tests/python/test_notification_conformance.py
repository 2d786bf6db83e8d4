"""The notification service of a real jetd against issue 16: deny-subscribe with
delivery-time semantics (paho-mqtt 3.1.1 and 5, mosquitto_sub), back-pressure without
QoS 1 loss, MQTT 5 Receive Maximum, and the default max-connections."""

from __future__ import annotations

import queue
import re
import socket
import struct
import subprocess
import time

import openjet
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
import pytest

DENY = 'deny-subscribe "/junos/events/syslog/#"; deny-subscribe "secret/+/x";'


def commit(dev, notification_body: str) -> None:
    ch = dev.logged_in(dev.clear_channel(), "conformance-test")
    openjet.config_set(
        ch, f"system {{ services {{ extension-service {{ notification {{ {notification_body} }} }} }} }}"
    )
    time.sleep(0.3)  # the broker applies the commit from its own task


def statistics(dev) -> dict[str, int]:
    ch = dev.logged_in(dev.clear_channel(), "conformance-stats")
    xml = openjet.op_command(ch, "show extension-service notification statistics", "xml")
    return {k: int(v) for k, v in re.findall(r"<([a-z0-9-]+)>(\d+)</\1>", xml)}


class Paho:
    """A connected paho client recording messages, SUBACK codes and the CONNACK."""

    def __init__(self, dev, client_id: str, protocol=mqtt.MQTTv311):
        self.messages: queue.Queue = queue.Queue()
        self.subacks: queue.Queue = queue.Queue()
        self.connacks: queue.Queue = queue.Queue()
        c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=protocol)
        c.on_message = lambda _c, _u, m: self.messages.put((m.topic, m.payload, m.retain))
        c.on_subscribe = lambda _c, _u, _mid, codes, _p: self.subacks.put(codes)
        c.on_connect = lambda _c, _u, _f, rc, props: self.connacks.put((rc, props))
        c.connect("127.0.0.1", dev.mqtt_port, keepalive=30)
        c.loop_start()
        self.client = c
        rc, self.connack_props = self.connacks.get(timeout=10)
        assert not rc.is_failure, rc

    def subscribe(self, topic: str, qos: int = 1) -> list[int]:
        self.client.subscribe(topic, qos)
        return [c.value for c in self.subacks.get(timeout=10)]

    def topics(self, quiet: float = 1.0) -> list[str]:
        seen = []
        while True:
            try:
                seen.append(self.messages.get(timeout=quiet)[0])
            except queue.Empty:
                return seen

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


@pytest.fixture(scope="module")
def denying_jetd(tmp_path_factory):
    from jetd_harness import start_device

    device = start_device(tmp_path_factory.mktemp("jetd-deny"))
    commit(device, DENY)
    yield device
    device.stop()


@pytest.mark.parametrize("protocol,refused", [(mqtt.MQTTv311, 0x80), (mqtt.MQTTv5, 0x87)])
def test_deny_subscribe_refuses_only_filters_inside_a_denied_one(denying_jetd, protocol, refused):
    c = Paho(denying_jetd, f"deny-{protocol}", protocol)
    # Overlapping a denied filter: granted.
    for f in ["#", "+/+", "a/#", "/junos/events/#", "secret/#"]:
        assert c.subscribe(f) == [1], f
    # Inside a denied filter: refused.
    for f in ["/junos/events/syslog/UI_COMMIT_COMPLETED", "/junos/events/syslog/+",
              "/junos/events/syslog/#", "secret/a/x", "secret/+/x"]:
        assert c.subscribe(f) == [refused], f
    c.close()


def test_no_denied_topic_reaches_an_overlapping_filter_retained_or_live(denying_jetd):
    pub = Paho(denying_jetd, "deny-pub")
    pub.client.publish("secret/a/x", b"retained-denied", qos=1, retain=True).wait_for_publish(10)
    pub.client.publish("open/a/x", b"retained-ok", qos=1, retain=True).wait_for_publish(10)
    before = statistics(denying_jetd)["denied-messages"]
    sub = Paho(denying_jetd, "deny-sub", mqtt.MQTTv5)
    assert sub.subscribe("+/+/x") == [1]
    assert sub.topics() == ["open/a/x"]
    pub.client.publish("secret/b/x", b"live-denied", qos=1).wait_for_publish(10)
    pub.client.publish("open/b/x", b"live-ok", qos=1).wait_for_publish(10)
    assert sub.topics() == ["open/b/x"]
    # The retained one at SUBSCRIBE and the live one.
    assert statistics(denying_jetd)["denied-messages"] - before >= 2
    for c in (pub, sub):
        c.close()


def test_device_events_under_a_denied_filter_are_withheld(denying_jetd):
    sub = Paho(denying_jetd, "deny-events")
    assert sub.subscribe("/junos/events/#") == [1]
    before = statistics(denying_jetd)["denied-messages"]
    commit(denying_jetd, DENY + " max-connections 20;")  # a commit: UI_COMMIT_COMPLETED
    topics = sub.topics(quiet=2.0)
    assert not [t for t in topics if t.startswith("/junos/events/syslog/")], topics
    assert statistics(denying_jetd)["denied-messages"] > before
    sub.close()


def test_mosquitto_sub_on_hash_is_granted_and_sees_no_denied_topic(denying_jetd):
    sub = subprocess.Popen(
        ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(denying_jetd.mqtt_port), "-t", "#",
         "-v", "-W", "4", "-q", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    time.sleep(1.0)
    pub = Paho(denying_jetd, "deny-pub2")
    pub.client.publish("secret/c/x", b"no", qos=1).wait_for_publish(10)
    pub.client.publish("open/c/x", b"yes", qos=1).wait_for_publish(10)
    out, err = sub.communicate(timeout=20)
    pub.close()
    assert "open/c/x yes" in out, (out, err)
    assert "secret/" not in out, out
    assert "refused" not in err.lower() and "denied" not in err.lower(), err


def test_a_slow_qos1_subscriber_gets_every_message_in_order_and_the_publisher_waits(fresh_jetd):
    commit(fresh_jetd, "max-queued-messages 50;")
    sub = Paho(fresh_jetd, "slow-sub")
    received: list[bytes] = []

    def on_message(_c, _u, m):
        received.append(m.payload)
        time.sleep(0.002)  # about 500 messages/s

    sub.client.on_message = on_message
    assert sub.subscribe("load/t", 1) == [1]
    pub = Paho(fresh_jetd, "fast-pub")
    n = 2000
    infos = [pub.client.publish("load/t", str(i).encode(), qos=1) for i in range(n)]
    for info in infos:
        info.wait_for_publish(60)
    deadline = time.time() + 60
    while len(received) < n and time.time() < deadline:
        time.sleep(0.1)
    assert received == [str(i).encode() for i in range(n)]
    s = statistics(fresh_jetd)
    assert s["max-queued-messages"] == 50
    assert s["publisher-pauses"] > 0
    assert s["dropped-queue-full"] == 0 and s["quota-disconnects"] == 0
    for c in (pub, sub):
        c.close()


def test_the_connack_announces_receive_maximum(jetd):
    c = Paho(jetd, "rm-announce", mqtt.MQTTv5)
    assert c.connack_props.ReceiveMaximum == 100
    c.close()


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _s(text: str) -> bytes:
    b = text.encode()
    return struct.pack("!H", len(b)) + b


def _packet(first: int, body: bytes) -> bytes:
    return bytes([first]) + _varint(len(body)) + body


def _v5_connect(sock: socket.socket, client_id: str, props: bytes = b"") -> None:
    body = _s("MQTT") + bytes([5, 0x02]) + struct.pack("!H", 60) + _varint(len(props)) + props + _s(client_id)
    sock.sendall(_packet(0x10, body))
    first = sock.recv(1)
    assert first == b"\x20", first  # CONNACK


def _read_packets(sock: socket.socket, timeout: float) -> list[tuple[int, bytes]]:
    sock.settimeout(timeout)
    data = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        pass
    packets, i = [], 0
    while i < len(data):
        first, j, length, shift = data[i], i + 1, 0, 0
        while True:
            b = data[j]
            length |= (b & 0x7F) << shift
            shift, j = shift + 7, j + 1
            if not b & 0x80:
                break
        packets.append((first, data[j:j + length]))
        i = j + length
    return packets


def test_a_v5_publisher_beyond_receive_maximum_is_disconnected_0x93(fresh_jetd):
    commit(fresh_jetd, "max-queued-messages 1;")
    # A subscriber that never reads, one message in flight (Receive Maximum 1).
    sub = socket.create_connection(("127.0.0.1", fresh_jetd.mqtt_port))
    _v5_connect(sub, "rm-sub", props=b"\x21" + struct.pack("!H", 1))
    sub.recv(64)  # rest of the CONNACK
    sub.sendall(_packet(0x82, struct.pack("!H", 1) + b"\x00" + _s("rm/t") + b"\x01"))
    time.sleep(0.3)
    pub = socket.create_connection(("127.0.0.1", fresh_jetd.mqtt_port))
    _v5_connect(pub, "rm-pub")
    pub.recv(64)
    # Two are routed (in flight, then queued: the queue is full and the publisher
    # paused); the next 100 are held unacknowledged; the 101st exceeds 100.
    for pid in range(1, 104):
        pub.sendall(_packet(0x32, _s("rm/t") + struct.pack("!H", pid) + b"\x00" + b"x"))
    packets = _read_packets(pub, 3.0)
    assert (0xE0, b"\x93\x00") in [(f, body[:2]) for f, body in packets] or \
        (0xE0, b"\x93") in [(f, body[:1]) for f, body in packets], packets
    sub.close()
    pub.close()


def test_twenty_clients_may_connect_by_default(fresh_jetd):
    clients = [Paho(fresh_jetd, f"many-{i}") for i in range(20)]
    refused: queue.Queue = queue.Queue()
    c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="one-too-many")
    c.on_connect = lambda _c, _u, _f, rc, _p: refused.put(rc)
    c.connect("127.0.0.1", fresh_jetd.mqtt_port, keepalive=30)
    c.loop_start()
    assert refused.get(timeout=10).is_failure
    c.loop_stop()
    for x in clients:
        x.close()
