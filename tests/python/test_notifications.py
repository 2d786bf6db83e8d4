"""The notification service of a real jetd, with paho-mqtt (3.1.1 and 5) and mosquitto_sub:
device events as jet-event JSON, /junos/ publish refusal, allow-clients, TLS."""

from __future__ import annotations

import json
import queue
import subprocess
import time

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
import openjet
import pytest


def mqtt_client(dev, protocol, client_id, bind_address=""):
    """A connected paho client (retrying while the broker starts) and its message queue."""
    got: queue.Queue = queue.Queue()
    c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=protocol)
    c.on_message = lambda _c, _u, m: got.put((m.topic, m.payload, m.retain))
    deadline = time.time() + 10
    while True:
        try:
            c.connect("127.0.0.1", dev.mqtt_port, keepalive=30, bind_address=bind_address)
            break
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.1)
    c.loop_start()
    return c, got


def subscribe(c, topic, qos=1):
    result, mid = c.subscribe(topic, qos)
    assert result == mqtt.MQTT_ERR_SUCCESS
    time.sleep(0.3)  # let SUBACK arrive before triggering events


def wait_for(got: queue.Queue, topic: str, timeout: float = 10.0):
    deadline = time.time() + timeout
    seen = []
    while time.time() < deadline:
        try:
            t, payload, retain = got.get(timeout=max(0.0, deadline - time.time()))
        except queue.Empty:
            break
        seen.append(t)
        if t == topic:
            return json.loads(payload)
    pytest.fail(f"{topic} not received; got {seen}")


def commit(dev, text):
    ch = dev.logged_in(dev.clear_channel(), "notify-test")
    openjet.config_set(ch, text)


@pytest.mark.parametrize("protocol", [mqtt.MQTTv311, mqtt.MQTTv5])
def test_a_commit_publishes_ui_commit_completed_as_a_jet_event(fresh_jetd, protocol):
    c, got = mqtt_client(fresh_jetd, protocol, f"watch-{protocol}")
    subscribe(c, "/junos/events/#")
    commit(fresh_jetd, "system { host-name notified; }")
    ev = wait_for(got, "/junos/events/syslog/UI_COMMIT_COMPLETED")["jet-event"]
    assert ev["event-id"] == "UI_COMMIT_COMPLETED"
    assert ev["hostname"] == "notified"
    for key in ("time", "severity", "facility", "attributes", "sequence"):
        assert key in ev, key
    c.loop_stop()
    c.disconnect()


def test_an_app_publish_under_junos_is_refused_with_reason_0x87_in_v5(jetd):
    acks: queue.Queue = queue.Queue()
    c, _ = mqtt_client(jetd, mqtt.MQTTv5, "impostor")
    c.on_publish = lambda _c, _u, mid, rc, props: acks.put(rc)
    c.publish("/junos/events/syslog/FAKE", b"{}", qos=1)
    rc = acks.get(timeout=10)
    assert rc.value == 0x87, rc
    c.publish("/app/impostor/status", b"{}", qos=1)
    assert acks.get(timeout=10).value in (0x00, 0x10)  # success / no matching subscribers
    c.loop_stop()
    c.disconnect()


def test_a_client_outside_allow_clients_is_refused(jetd):
    connected: queue.Queue = queue.Queue()
    c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="outsider", protocol=mqtt.MQTTv5)
    c.on_connect = lambda _c, _u, _f, rc, _p: connected.put(rc)
    try:
        c.connect("127.0.0.1", jetd.mqtt_port, keepalive=30, bind_address="127.0.0.2")
    except OSError:
        return  # refused before CONNACK: also a refusal
    c.loop_start()
    try:
        rc = connected.get(timeout=10)
        assert rc.is_failure, rc
    except queue.Empty:
        pass  # closed without CONNACK
    finally:
        c.loop_stop()


def test_mosquitto_sub_over_tls_receives_device_events(fresh_jetd):
    sub = subprocess.Popen(
        ["mosquitto_sub", "-h", "localhost", "-p", str(fresh_jetd.mqtt_tls_port),
         "--cafile", str(fresh_jetd.ca), "-t", "/junos/events/syslog/UI_COMMIT_COMPLETED",
         "-C", "1", "-W", "20"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    time.sleep(1.0)
    commit(fresh_jetd, "system { host-name over-tls; }")
    out, err = sub.communicate(timeout=30)
    assert sub.returncode == 0, err
    assert json.loads(out)["jet-event"]["hostname"] == "over-tls"
