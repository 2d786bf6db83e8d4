"""Live commands from Python (openjet.app_commands over openjet.appcommands.v1, stubs from
our protos) against a real jetd: an app registers a command and answers it; another session
runs it in text, XML and JSON and sees it in `show extension-service commands`; it is gone
with the app's stream. Refusals are gRPC statuses naming the command."""

import json
import time

import grpc
import pytest

import openjet
from openjet.app_commands import CommandFailed, command


def answer(inv):
    if inv.command == "show pyacme fail":
        raise CommandFailed("backend down")
    peer = inv.arguments.get("peer", "all")
    if inv.format == "text":
        return f"pyacme peer {peer} up\n"
    return f"<pyacme-peers><peer><name>{peer}</name></peer></pyacme-peers>"


def op_error(ch, cmd):
    with pytest.raises(Exception) as e:
        openjet.op_command(ch, cmd)
    return str(e.value)


def test_live_command_appears_and_disappears_with_its_app(jetd):
    app = jetd.logged_in(jetd.clear_channel(), client_id="py-acme")
    user = jetd.logged_in(jetd.clear_channel(), client_id="py-user")
    before = op_error(user, "show pyacme peers peer p1")
    assert "syntax error" in before, before

    live = openjet.serve_commands(app, [
        command("show pyacme peers", "Peers of pyacme", arguments=[("peer", "One peer", "mandatory")]),
        command("show pyacme fail", "Always fails"),
    ], answer)
    try:
        assert live.commands == ["show pyacme peers", "show pyacme fail"]
        assert live.reply_timeout == 30
        assert openjet.op_command(user, "show pyacme peers peer p1") == "pyacme peer p1 up\n"
        xml = openjet.op_command(user, "show pyacme peers peer p2", "xml")
        assert "<name>p2</name>" in xml, xml
        data = json.loads(openjet.op_command(user, "show pyacme peers peer p3", "json"))
        assert "pyacme-peers" in data, data
        err = op_error(user, "show pyacme fail")
        assert "of live app py-acme: failed: backend down" in err, err
        listed = openjet.op_command(user, "show extension-service commands")
        assert any(l.startswith("show pyacme peers") and "py-acme" in l and "live" in l
                   for l in listed.splitlines()), listed
    finally:
        live.close()
    deadline = time.time() + 5
    while "show pyacme" in openjet.op_command(user, "show extension-service commands"):
        assert time.time() < deadline, "still listed after the app closed its stream"
        time.sleep(0.02)
    assert op_error(user, "show pyacme peers peer p1") == before
    app.close()
    user.close()


def test_a_command_of_the_device_is_refused(jetd):
    app = jetd.logged_in(jetd.clear_channel(), client_id="py-bad")
    with pytest.raises(grpc.RpcError) as e:
        openjet.serve_commands(app, [command("show version", "mine")], answer)
    assert e.value.code() == grpc.StatusCode.ALREADY_EXISTS
    assert e.value.details() == "commands[0].cli: 'show version' is already a command of the device"
    with pytest.raises(grpc.RpcError) as e:
        openjet.serve_commands(app, [command("show Bad", "x")], answer)
    assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert e.value.details().startswith("commands[0].cli: word 'Bad'"), e.value.details()
    app.close()
