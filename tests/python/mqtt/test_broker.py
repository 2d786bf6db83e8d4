"""The jet-notify broker against real clients: mosquitto_pub/mosquitto_sub and paho-mqtt
in MQTT 3.1.1 and 5."""

from __future__ import annotations

import socket
import subprocess
import time

import paho.mqtt.client as mqtt
from paho.mqtt.properties import Properties
from paho.mqtt.packettypes import PacketTypes

from mqtt_helpers import make_client, wait_until

V5 = mqtt.MQTTv5


def sub_proc(port: int, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def pub(port: int, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), *args],
        capture_output=True, text=True, timeout=10,
    )


def test_mosquitto_clients_exchange_messages_through_wildcards(broker):
    sub = sub_proc(broker.port, "-t", "app/+/status", "-v", "-C", "2", "-W", "5")
    time.sleep(0.3)
    for topic in ["app/a/status", "other/x", "app/b/status"]:
        assert pub(broker.port, "-t", topic, "-m", topic, "-q", "1").returncode == 0
    out, _ = sub.communicate(timeout=10)
    assert out.splitlines() == ["app/a/status app/a/status", "app/b/status app/b/status"]


def test_mosquitto_pub_v5_under_junos_is_refused_not_authorized(broker):
    r = pub(broker.port, "-t", "/junos/events/syslog/FAKE", "-m", "x", "-q", "1", "-V", "mqttv5", "-d")
    assert "RC:135" in r.stdout or "Not authorized" in r.stderr, (r.stdout, r.stderr)
    assert broker.stat("refused_publishes") == 1


def test_paho_v311_qos1_retained_message_reaches_a_late_subscriber(broker, clients):
    p = clients(broker.port, "pub")
    info = p.client.publish("r/state", b"on", qos=1, retain=True)
    info.wait_for_publish(5)
    s = clients(broker.port, "sub")
    assert s.subscribe("r/#", 1) == [mqtt.ReasonCode(PacketTypes.SUBACK, identifier=1)]
    m = s.message()
    assert (m.topic, m.payload, m.retain, m.qos) == ("r/state", b"on", True, 1)


def test_paho_v5_publish_under_junos_gets_not_authorized(broker, clients):
    c = clients(broker.port, "intruder", protocol=V5)
    c.client.publish("/junos/events/kernel/fake", b"x", qos=1)
    _, rc = c.pubacks.get(timeout=5)
    assert rc.value == 0x87


def test_clients_outside_allow_clients_are_refused_not_authorized(start_broker):
    b = start_broker("--allow", "127.0.0.2/32")
    # paho reports 3.1.1 return code 5 as the v5 reason code 0x87 too.
    for protocol, expected in [(mqtt.MQTTv311, 0x87), (V5, 0x87)]:
        c = make_client(b.port, "stranger", protocol=protocol, wait=False)
        rc, _, _ = c.connacks.get(timeout=5)
        c.client.loop_stop()
        assert rc.is_failure and rc.value == expected, rc
    assert b.stat("refused_not_allowed") == 2


def test_deny_subscribe_refuses_filters_inside_a_denied_one_with_0x80(start_broker, clients):
    b = start_broker("--deny-subscribe", "/junos/events/syslog/#")
    c = clients(b.port, "s")
    assert [r.value for r in c.subscribe("/junos/events/syslog/+", 0)] == [0x80]
    # Overlapping filters are granted; denied topics are withheld at delivery.
    assert [r.value for r in c.subscribe("/junos/events/#", 0)] == [0]
    assert [r.value for r in c.subscribe("/junos/events/kernel/#", 0)] == [0]


def test_device_events_from_the_link_reach_mosquitto_sub(start_broker):
    b = start_broker("--publish-every-ms", "50")
    out = subprocess.run(
        ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(b.port), "-t", "/junos/events/#", "-v", "-C", "2", "-W", "5"],
        capture_output=True, text=True, timeout=10,
    ).stdout.splitlines()
    assert len(out) == 2 and all(l.startswith('/junos/events/test/tick {"tick":') for l in out)


def test_credentials_are_checked_when_configured(start_broker):
    b = start_broker("--user", "app:secret")
    bad = make_client(b.port, "x", wait=False)
    rc, _, _ = bad.connacks.get(timeout=5)
    bad.client.loop_stop()
    assert rc.is_failure
    good = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="ok")
    good.username_pw_set("app", "secret")
    assert good.connect("127.0.0.1", b.port) == 0
    good.loop_start()
    wait_until(good.is_connected)
    good.loop_stop()
    good.disconnect()


def test_a_persistent_v5_session_gets_messages_published_while_offline(broker, clients):
    props = Properties(PacketTypes.CONNECT)
    props.SessionExpiryInterval = 300
    c = clients(broker.port, "persist", protocol=V5, clean_start=False, properties=props)
    c.subscribe("q/#", 1)
    c.client.loop_stop()
    c.client.disconnect()
    p = clients(broker.port, "pub", protocol=V5)
    p.client.publish("q/1", b"while away", qos=1).wait_for_publish(5)
    back = clients(broker.port, "persist", protocol=V5, clean_start=False, properties=props)
    assert back.message().payload == b"while away"


def test_v5_user_properties_and_response_topic_pass_through(broker, clients):
    s = clients(broker.port, "responder", protocol=V5)
    s.subscribe("req", 0)
    p = clients(broker.port, "requester", protocol=V5)
    props = Properties(PacketTypes.PUBLISH)
    props.UserProperty = ("trace", "abc")
    props.ResponseTopic = "resp/requester"
    props.CorrelationData = b"42"
    p.client.publish("req", b"?", properties=props)
    m = s.message()
    assert m.properties.UserProperty == [("trace", "abc")]
    assert m.properties.ResponseTopic == "resp/requester"
    assert m.properties.CorrelationData == b"42"


def test_v5_shared_subscription_splits_messages_between_members(broker, clients):
    a = clients(broker.port, "a", protocol=V5)
    b = clients(broker.port, "b", protocol=V5)
    for c in (a, b):
        c.subscribe("$share/g/jobs/#", 0)
    p = clients(broker.port, "p", protocol=V5)
    for i in range(6):
        p.client.publish("jobs/x", str(i).encode())
    got = sorted(int(c.message().payload) for c in (a, b) for _ in range(3))
    assert got == list(range(6))


def test_v5_will_is_published_when_a_client_vanishes(broker, clients):
    w = clients(broker.port, "watcher")
    w.subscribe("wills/#", 0)
    c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="doomed", protocol=V5)
    c.will_set("wills/doomed", b"gone", qos=0)
    c.connect("127.0.0.1", broker.port)
    c.loop_start()
    wait_until(c.is_connected)
    c.loop_stop()
    c.socket().close()  # no DISCONNECT
    m = w.message()
    assert (m.topic, m.payload) == ("wills/doomed", b"gone")


def test_a_subscriber_that_never_reads_holds_a_publisher_only_until_max_publisher_wait(start_broker, clients):
    broker = start_broker("--max-queued", "100", "--max-publisher-wait-ms", "500")
    slow = socket.create_connection(("127.0.0.1", broker.port))
    # CONNECT (3.1.1, id "slow") then SUBSCRIBE f/# QoS 0; then never read again.
    slow.sendall(bytes([0x10, 16, 0, 4]) + b"MQTT" + bytes([4, 2, 0, 60, 0, 4]) + b"slow")
    slow.sendall(bytes([0x82, 8, 0, 1, 0, 3]) + b"f/#" + bytes([0]))
    fast = clients(broker.port, "fast")
    fast.subscribe("f/#", 0)
    p = clients(broker.port, "p")
    payload = b"x" * 8192
    n = 2000
    for i in range(n):
        p.client.publish("f/x", payload)
    # The publisher waited for the slow subscriber's queue, then the broker gave up on
    # that subscriber: the fast one gets every message, none is dropped.
    received = 0
    while received < n:
        assert fast.message(timeout=10), f"only {received} of {n}"
        received += 1
    slow.close()
    assert broker.stat("quota_disconnects") == 1
