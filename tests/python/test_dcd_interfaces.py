"""The dcd Interfaces service (`jnx.jet.interfaces.Interfaces`) from stubs of our protos:
every RPC, each sub-code family (keys, type mismatch, ownership, attributes, FTI tunnels),
and the effects of API objects on `show interfaces`, the RIB (`show route`), interface
jet-events over MQTT, and their purge-free release on delete."""

import json
import queue
import time

import grpc
import openjet
import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from openjet._gen import jnx_common_addr_types_pb2 as addr_pb2
from openjet._gen import jnx_common_base_types_pb2 as common_pb2
from openjet._gen import jnx_interfaces_service_pb2 as pb
from openjet._gen import jnx_interfaces_service_pb2_grpc as pb_grpc

CONFIG = (
    "interfaces { ge-0/0/0 { unit 0 { family inet { address 10.0.0.1/24; } } } "
    "ge-0/0/5 { vlan-tagging; } }"
)

ADD = pb.InterfaceAddResponse
UPD = pb.InterfaceUpdateResponse
DEL = pb.InterfaceDeleteResponse
GET = pb.InterfaceGetResponse
PERM = pb.InterfaceUnitPermissionsGetResponse


def unit_no(n):
    return pb.InterfaceUnit(number=n)


def ip(text):
    return addr_pb2.IpAddress(addr_string=text)


def attrs(strings=(), integers=()):
    return pb.InterfaceAttributeList(
        string_attributes=[pb.StringAttribute(key=k, value=v) for k, v in strings],
        integer_attributes=[pb.IntegerAttribute(key=k, value=v) for k, v in integers],
    )


def add(stub, **obj):
    kind = next(iter(obj))
    types = {"interfaces": 0, "unit": 1, "family": 2, "address": 3, "arp": 4}
    return stub.InterfaceAdd(pb.InterfaceAddRequest(type=types[kind], **obj), timeout=30)


def ok(reply):
    assert reply.status.code == common_pb2.SUCCESS, reply.status.message
    assert reply.sub_code == 0
    return reply


def refused(reply, sub_code, *words):
    assert reply.status.code == common_pb2.FAILURE, reply
    assert reply.sub_code == sub_code, (reply.sub_code, reply.status.message)
    for w in words:
        assert w in reply.status.message, (w, reply.status.message)
    return reply


def dcd(dev, client_id):
    ch = dev.logged_in(dev.clear_channel(), client_id=client_id)
    return ch, pb_grpc.InterfacesStub(ch)


def mqtt_client(dev):
    got: queue.Queue = queue.Queue()
    c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="dcd-watch", protocol=mqtt.MQTTv311)
    c.on_message = lambda _c, _u, m: got.put((m.topic, m.payload))
    deadline = time.time() + 10
    while True:
        try:
            c.connect("127.0.0.1", dev.mqtt_port, keepalive=30)
            break
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.1)
    c.loop_start()
    result, _ = c.subscribe("/junos/events/kernel/interfaces/#", 1)
    assert result == mqtt.MQTT_ERR_SUCCESS
    time.sleep(0.3)
    return c, got


def wait_topic(got, topic, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            t, payload = got.get(timeout=max(0.05, deadline - time.time()))
        except queue.Empty:
            break
        if t == topic:
            return json.loads(payload)
    pytest.fail(f"no message on {topic}")


def wait_op(ch, command, cond, timeout=10.0):
    deadline = time.time() + timeout
    while True:
        out = openjet.op_command(ch, command)
        if cond(out) or time.time() > deadline:
            return out
        time.sleep(0.1)


def test_api_objects_show_route_and_publish_like_configured_ones(fresh_jetd):
    ch, stub = dcd(fresh_jetd, "py-dcd")
    openjet.config_set(ch, CONFIG)
    watcher, got = mqtt_client(fresh_jetd)
    try:
        ok(add(stub, interfaces=pb.InterfaceConfig(
            port_name="ae0",
            interface_options=pb.InterfaceSpecificOptions(
                aggregate_options=pb.AggregateOptions(aggregate_members=["ge-0/0/1", "ge-0/0/2"])),
            attributes=attrs(integers=[("mtu", 9000)]))))
        ok(add(stub, unit=pb.InterfaceUnitConfig(port_name="ae0", unit=unit_no(0))))
        ok(add(stub, family=pb.InterfaceFamilyConfig(port_name="ae0", unit=unit_no(0), family=addr_pb2.AF_INET)))
        ok(add(stub, address=pb.InterfaceAddressConfig(
            port_name="ae0", unit=unit_no(0), family=addr_pb2.AF_INET, ip_address=ip("192.0.2.1/24"))))
        ok(add(stub, arp=pb.InterfaceArpConfig(
            port_name="ae0", unit=unit_no(0), family=addr_pb2.AF_INET, ip_address=ip("192.0.2.1"),
            neighbor_address=ip("192.0.2.9"), attributes=attrs(strings=[("mac", "00:11:22:33:44:55")]))))

        ifd = wait_topic(got, "/junos/events/kernel/interfaces/ifd/add/ae0")
        assert ifd["jet-event"]["attributes"]["name"] == "ae0"
        wait_topic(got, "/junos/events/kernel/interfaces/ifa/add/ae0.0/inet/192.0.2.1/24")
    finally:
        watcher.loop_stop()
        watcher.disconnect()

    show = openjet.op_command(ch, "show interfaces ae0")
    assert "Physical interface: ae0, Enabled, Physical link is Up" in show
    assert "Aggregate member links: ge-0/0/1, ge-0/0/2" in show
    assert "JET API client : py-dcd" in show
    assert "Static ARP: 192.0.2.9 MAC 00:11:22:33:44:55 (JET API)" in show
    xml = openjet.op_command(ch, "show interfaces ae0", "xml")
    assert "<jet-api-client>py-dcd</jet-api-client>" in xml
    assert '"jet-api-client"' in openjet.op_command(ch, "show interfaces ae0", "json")
    routes = wait_op(ch, "show route table inet.0", lambda o: "192.0.2.0/24" in o)
    assert "192.0.2.0/24" in routes and "Direct" in routes
    assert "192.0.2.1/32" in routes and "Local" in routes
    assert "ae0" not in openjet.op_command(ch, "show configuration interfaces")

    r = stub.InterfaceGet(pb.InterfaceGetRequest(
        type=0, interfaces=pb.InterfaceConfig(port_name="ae0")), timeout=30)
    ok(r)
    assert list(r.interfaces.interface_options.aggregate_options.aggregate_members) == ["ge-0/0/1", "ge-0/0/2"]
    assert r.interfaces.attributes.integer_attributes[0].value == 9000

    # Deleting the unit removes its family, address and ARP entry, and their routes.
    ok(stub.InterfaceDelete(pb.InterfaceDeleteRequest(
        type=1, unit=pb.InterfaceUnitDelete(port_name="ae0", unit=unit_no(0))), timeout=30))
    routes = wait_op(ch, "show route table inet.0", lambda o: "192.0.2.0/24" not in o)
    assert "192.0.2.0/24" not in routes
    refused(stub.InterfaceGet(pb.InterfaceGetRequest(
        type=3, address=pb.InterfaceAddressConfig(port_name="ae0", unit=unit_no(0), family=addr_pb2.AF_INET,
                                                  ip_address=ip("192.0.2.1"))), timeout=30),
            GET.OBJECT_NOT_FOUND, "192.0.2.1")
    ok(stub.InterfaceGet(pb.InterfaceGetRequest(type=0, interfaces=pb.InterfaceConfig(port_name="ae0")), timeout=30))


def test_every_rpc_answers_its_sub_codes(fresh_jetd):
    ch, stub = dcd(fresh_jetd, "py-a")
    openjet.config_set(ch, CONFIG)
    _, other = dcd(fresh_jetd, "py-b")

    # Keys and type.
    refused(add(stub, interfaces=pb.InterfaceConfig()), ADD.PORT_NAME_NOT_SPECIFIED, "port_name")
    refused(add(stub, unit=pb.InterfaceUnitConfig(port_name="ge-0/0/1")), ADD.UNIT_NOT_SPECIFIED, "unit")
    refused(add(stub, family=pb.InterfaceFamilyConfig(port_name="ge-0/0/1", unit=unit_no(0))),
            ADD.FAMILY_NOT_SPECIFIED, "family")
    refused(add(stub, address=pb.InterfaceAddressConfig(port_name="ge-0/0/0", unit=unit_no(0), family=addr_pb2.AF_INET)),
            ADD.IP_ADDR_NOT_SPECIFIED, "ip_address")
    refused(add(stub, arp=pb.InterfaceArpConfig(port_name="ge-0/0/0", unit=unit_no(0), family=addr_pb2.AF_INET,
                                                ip_address=ip("10.0.0.1"))),
            ADD.ARP_ADDR_NOT_SPECIFIED, "neighbor_address")
    refused(add(stub, arp=pb.InterfaceArpConfig(port_name="ge-0/0/0", unit=unit_no(0), family=addr_pb2.AF_INET,
                                                ip_address=ip("10.0.0.1"), neighbor_address=ip("10.0.0.2"))),
            ADD.ARP_MAC_NOT_SPECIFIED, "mac")
    r = stub.InterfaceAdd(pb.InterfaceAddRequest(type=3, unit=pb.InterfaceUnitConfig(port_name="ge-0/0/1", unit=unit_no(0))), timeout=30)
    refused(r, ADD.INTERFACE_OBJECT_MISMATCH, "TYPE_INTERFACE_ADDRESS_OBJECT")
    with pytest.raises(grpc.RpcError) as e:
        stub.InterfaceAdd(pb.InterfaceAddRequest(type=9, unit=pb.InterfaceUnitConfig(port_name="x")), timeout=30)
    assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT

    # Attributes.
    refused(add(stub, interfaces=pb.InterfaceConfig(port_name="lo0", attributes=attrs(integers=[("mtu", 1500)]))),
            ADD.INTERFACE_PORT_MISMATCH, "mtu")
    refused(add(stub, unit=pb.InterfaceUnitConfig(port_name="ge-0/0/1", unit=unit_no(3), attributes=attrs(integers=[("vlan-id", 3)]))),
            ADD.INTERFACE_PORT_MISMATCH, "vlan-tagging")
    ok(add(stub, unit=pb.InterfaceUnitConfig(port_name="ge-0/0/5", unit=unit_no(3), attributes=attrs(integers=[("vlan-id", 3)]))))
    ok(add(stub, family=pb.InterfaceFamilyConfig(port_name="ge-0/0/5", unit=unit_no(3), family=addr_pb2.AF_MPLS)))
    refused(add(stub, address=pb.InterfaceAddressConfig(port_name="ge-0/0/5", unit=unit_no(3), family=addr_pb2.AF_MPLS,
                                                        ip_address=ip("192.0.2.5/24"))),
            ADD.INTERFACE_FAMILY_MISMATCH, "mpls")
    refused(add(stub, interfaces=pb.InterfaceConfig(port_name="ge-0/0/1", attributes=attrs(integers=[("mtu", 1)]))),
            ADD.OPERATION_FAILED, "mtu 1")

    # Update: upsert and reset.
    ok(stub.InterfaceUpdate(pb.InterfaceUpdateRequest(type=1, unit=pb.InterfaceUnitConfig(
        port_name="ge-0/0/5", unit=unit_no(3), attributes=attrs(integers=[("vlan-id", 0)]))), timeout=30))
    r = ok(stub.InterfaceGet(pb.InterfaceGetRequest(type=1, unit=pb.InterfaceUnitConfig(port_name="ge-0/0/5", unit=unit_no(3))), timeout=30))
    assert len(r.unit.attributes.integer_attributes) == 0

    # Ownership.
    r = stub.InterfaceUnitPermissionsGet(pb.InterfaceUnitPermissionsGetRequest(port_name="ge-0/0/5", unit=unit_no(3)), timeout=30)
    assert ok(r).is_owner and r.client_created_unit and r.client_name == "py-a"
    r = other.InterfaceUnitPermissionsGet(pb.InterfaceUnitPermissionsGetRequest(port_name="ge-0/0/0", unit=unit_no(0)), timeout=30)
    assert not ok(r).client_created_unit and r.client_name == ""
    refused(other.InterfaceAdd(pb.InterfaceAddRequest(type=1, unit=pb.InterfaceUnitConfig(port_name="ge-0/0/5", unit=unit_no(4))), timeout=30),
            ADD.NOT_OWNER_OF_OBJECT, "py-a")
    refused(other.InterfaceUpdate(pb.InterfaceUpdateRequest(type=1, unit=pb.InterfaceUnitConfig(port_name="ge-0/0/5", unit=unit_no(3))), timeout=30),
            UPD.NOT_OWNER_OF_OBJECT, "py-a")
    refused(other.InterfaceDelete(pb.InterfaceDeleteRequest(type=1, unit=pb.InterfaceUnitDelete(port_name="ge-0/0/5", unit=unit_no(3))), timeout=30),
            DEL.NOT_OWNER_OF_OBJECT, "py-a")
    refused(stub.InterfaceDelete(pb.InterfaceDeleteRequest(type=1, unit=pb.InterfaceUnitDelete(port_name="ge-0/0/0", unit=unit_no(0))), timeout=30),
            DEL.NOT_OWNER_OF_OBJECT, "CLI")
    refused(stub.InterfaceDelete(pb.InterfaceDeleteRequest(type=1, unit=pb.InterfaceUnitDelete(port_name="ge-0/0/7", unit=unit_no(0))), timeout=30),
            DEL.OBJECT_NOT_FOUND, "ge-0/0/7.0")
    refused(stub.InterfaceUnitPermissionsGet(pb.InterfaceUnitPermissionsGetRequest(port_name="ge-0/0/7", unit=unit_no(0)), timeout=30),
            PERM.OBJECT_NOT_FOUND, "ge-0/0/7.0")
    refused(stub.InterfaceUnitPermissionsGet(pb.InterfaceUnitPermissionsGetRequest(unit=unit_no(0)), timeout=30),
            PERM.PORT_NAME_NOT_SPECIFIED, "port_name")


def net(addr, plen=0):
    return pb.NetworkAddress(inet=addr_pb2.IpNetwork(host_addr_string=addr, prefix_len=plen))


def fti_unit(n, **ipip):
    opts = dict(source=pb.SourceOptions(address=net("198.51.100.1")),
                destination=pb.DestinationOptions(address=net("198.51.100.2")))
    opts.update(ipip)
    return pb.InterfaceUnitConfig(port_name="fti0", unit=unit_no(n), tunnel=pb.TunnelOptions(
        encapsulation=pb.FtiEncapOptions(ipip=pb.FtiEncapIpipOptions(**opts))))


def test_fti_tunnel_sub_codes(fresh_jetd):
    ch, stub = dcd(fresh_jetd, "py-fti")
    ok(add(stub, interfaces=pb.InterfaceConfig(port_name="fti0")))
    refused(add(stub, unit=pb.InterfaceUnitConfig(port_name="fti0", unit=unit_no(0))), ADD.TUNNEL_NOT_SPECIFIED, "fti0.0")
    refused(add(stub, unit=pb.InterfaceUnitConfig(port_name="fti0", unit=unit_no(0), tunnel=pb.TunnelOptions())),
            ADD.TUNNEL_ENCAP_NOT_SPECIFIED, "encapsulation")
    refused(add(stub, unit=pb.InterfaceUnitConfig(port_name="ge-0/0/1", unit=unit_no(0), tunnel=pb.TunnelOptions())),
            ADD.TUNNEL_NOT_SUPPORTED, "ftiN")
    udp = pb.InterfaceUnitConfig(port_name="fti0", unit=unit_no(0), tunnel=pb.TunnelOptions(
        encapsulation=pb.FtiEncapOptions(udp=pb.FtiEncapUdpOptions())))
    refused(add(stub, unit=udp), ADD.TUNNEL_ENCAP_TYPE_NOT_SUPPORTED_ON_PLATFORM, "udp")
    refused(add(stub, unit=fti_unit(0, source=pb.SourceOptions())), ADD.TUNNEL_ENCAP_SOURCE_NOT_SPECIFIED, "source")
    refused(add(stub, unit=fti_unit(0, source=pb.SourceOptions(address=net("198.51.100.1", 24)))),
            ADD.TUNNEL_ENCAP_SRC_ADDR_SUBNET_MASK_NOT_ALLOWED, "198.51.100.1/24")
    refused(add(stub, unit=fti_unit(0, destination=pb.DestinationOptions())),
            ADD.TUNNEL_ENCAP_DEST_ADDR_NOT_SPECIFIED, "destination.address")
    refused(add(stub, unit=fti_unit(0, destination=pb.DestinationOptions(address=net("198.51.100.1")))),
            ADD.TUNNEL_ENCAP_SRC_DEST_ADDR_SAME, "198.51.100.1")
    ok(add(stub, unit=fti_unit(0)))
    ok(add(stub, family=pb.InterfaceFamilyConfig(port_name="fti0", unit=unit_no(0), family=addr_pb2.AF_INET)))
    ok(add(stub, address=pb.InterfaceAddressConfig(port_name="fti0", unit=unit_no(0), family=addr_pb2.AF_INET,
                                                   ip_address=ip("203.0.113.1/30"))))
    show = openjet.op_command(ch, "show interfaces fti0.0")
    assert "Tunnel encapsulation: ipip, Source: 198.51.100.1, Destination: 198.51.100.2" in show
    routes = wait_op(ch, "show route table inet.0", lambda o: "203.0.113.0/30" in o)
    assert "203.0.113.0/30" in routes


def test_the_python_sdk_helper(fresh_jetd):
    from openjet.errors import InterfacesError
    from openjet.interfaces import Interfaces

    ch = fresh_jetd.logged_in(fresh_jetd.clear_channel(), client_id="py-sdk")
    dcd = Interfaces(ch)
    dcd.add_interface("ae1", members=["ge-0/0/3"], mtu=9000)
    dcd.add_unit("ae1", 0)
    dcd.add_family("ae1", 0, "inet6")
    dcd.add_address("ae1", 0, "2001:db8:5::1/64")
    dcd.add_arp("ae1", 0, "2001:db8:5::1", "2001:db8:5::9", "00:11:22:33:44:77", receive=1)
    assert dcd.permissions("ae1", 0) == (True, True, "py-sdk")
    show = openjet.op_command(ch, "show interfaces ae1")
    assert "Static NDP: 2001:db8:5::9 MAC 00:11:22:33:44:77, receive (JET API)" in show
    other = Interfaces(fresh_jetd.logged_in(fresh_jetd.clear_channel(), client_id="py-other"))
    with pytest.raises(InterfacesError) as e:
        other.add_unit("ae1", 1)
    assert e.value.sub_code == "NOT_OWNER_OF_OBJECT" and "py-sdk" in e.value.message
    dcd.delete_unit("ae1", 0)
    with pytest.raises(InterfacesError) as e:
        dcd.get_unit("ae1", 0)
    assert e.value.sub_code == "OBJECT_NOT_FOUND"
    dcd.delete_interface("ae1")
    with pytest.raises(InterfacesError) as e:
        dcd.delete_interface("ae1")
    assert e.value.sub_code == "OBJECT_NOT_FOUND"
