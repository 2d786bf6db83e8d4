"""Live commands (``openjet.appcommands.v1.AppCommands``): an app adds operational
commands to the device's CLI and answers them itself while it stays connected::

    import openjet
    from openjet.app_commands import command

    def answer(inv):
        if inv.format == "text":
            return f"peer {inv.arguments.get('peer', 'all')} up\\n"
        return "<acme-peers><peer><name>p1</name></peer></acme-peers>"

    live = openjet.serve_commands(channel, [
        command("show acme peers", "Show the peers of acme",
                arguments=[("peer", "Name of one peer"), ("detail", "More", "flag")]),
    ], answer)
    ...
    live.close()          # the commands disappear

The handler gets an :class:`Invocation` and returns the output (text for the text format,
XML for ``xml`` and ``json``: the device renders it) or raises :class:`CommandFailed` (its
message fails the operator's command). Each invocation runs on a thread of its own; the
device waits at most the registration's reply timeout (30 s unless ``reply_timeout``).
Refusals (a command of the device or of another app, a bad word, a read-only user) raise
:class:`grpc.RpcError` from :func:`serve_commands` with the device's status and message.
See docs/on-box-apps.md.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import grpc

from ._gen import app_commands_pb2 as pb
from ._gen import app_commands_pb2_grpc as pb_grpc

_FORMATS = {pb.OUTPUT_FORMAT_TEXT: "text", pb.OUTPUT_FORMAT_XML: "xml", pb.OUTPUT_FORMAT_JSON: "json"}

#: An argument: ``(name, help)``, ``(name, help, "mandatory")`` or ``(name, help, "flag")``.
ArgumentSpec = Union[Tuple[str, str], Tuple[str, str, str]]


class CommandFailed(Exception):
    """Raised by a handler: the operator's command fails with this message."""


def command(cli: str, help: str = "", arguments: Sequence[ArgumentSpec] = ()) -> pb.CommandSpec:
    """A command to register (``cli`` like ``"show acme peers"``)."""
    specs = []
    for a in arguments:
        kind = a[2] if len(a) > 2 else ""
        if kind not in ("", "mandatory", "flag"):
            raise ValueError(f"argument {a[0]!r}: kind {kind!r} is not 'mandatory' or 'flag'")
        specs.append(pb.ArgumentSpec(name=a[0], help=a[1], mandatory=kind == "mandatory", flag=kind == "flag"))
    return pb.CommandSpec(cli=cli, help=help, arguments=specs)


@dataclass
class Invocation:
    """One run of a command."""

    #: The command's words as registered.
    command: str
    #: The options given (value ``""`` for a flag).
    arguments: Dict[str, str] = field(default_factory=dict)
    #: ``"text"``, ``"xml"`` or ``"json"`` (answer XML for the last two).
    format: str = "text"


class LiveCommands:
    """Registered commands being served; :meth:`close` (or leaving a ``with`` block)
    ends the stream and the device removes them."""

    def __init__(self, call, requests: "queue.Queue", registered: pb.Registered,
                 handler: Callable[[Invocation], str]) -> None:
        self._call = call
        self._requests = requests
        self.commands: List[str] = list(registered.commands)
        self.reply_timeout: int = registered.reply_timeout_seconds
        self._handler = handler
        #: The status that ended the stream, if the device ended it.
        self.error: Optional[grpc.RpcError] = None
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        try:
            for msg in self._call:
                if msg.WhichOneof("kind") == "invocation":
                    threading.Thread(target=self._answer, args=(msg.invocation,), daemon=True).start()
        except grpc.RpcError as e:
            if e.code() != grpc.StatusCode.CANCELLED:
                self.error = e

    def _answer(self, inv: pb.Invocation) -> None:
        args = {a.name: a.value for a in inv.arguments}
        try:
            out = self._handler(Invocation(inv.command, args, _FORMATS.get(inv.format, "text")))
            reply = pb.InvocationReply(id=inv.id, output=out or "")
        except CommandFailed as e:
            reply = pb.InvocationReply(id=inv.id, error=str(e) or "failed")
        except Exception as e:  # a handler's bug fails the command, not the app
            reply = pb.InvocationReply(id=inv.id, error=f"{type(e).__name__}: {e}")
        self._requests.put(pb.AppMessage(reply=reply))

    def close(self) -> None:
        """Ends the stream: the device removes the commands."""
        self._requests.put(None)
        self._call.cancel()
        self._reader.join(timeout=5)

    def wait(self, timeout: Optional[float] = None) -> None:
        """Blocks until the stream ends (or ``timeout``)."""
        self._reader.join(timeout)

    def __enter__(self) -> "LiveCommands":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def serve_commands(channel: grpc.Channel, commands: Iterable[pb.CommandSpec],
                   handler: Callable[[Invocation], str], *,
                   reply_timeout: Optional[int] = None) -> LiveCommands:
    """Registers ``commands`` on the channel's session and answers them with ``handler``."""
    requests: "queue.Queue[Optional[pb.AppMessage]]" = queue.Queue()
    requests.put(pb.AppMessage(register=pb.RegisterRequest(
        commands=list(commands), reply_timeout_seconds=reply_timeout or 0)))

    def outgoing():
        while True:
            m = requests.get()
            if m is None:
                return
            yield m

    call = pb_grpc.AppCommandsStub(channel).Serve(outgoing())
    try:
        first = next(call)
    except grpc.RpcError:
        requests.put(None)
        raise
    if first.WhichOneof("kind") != "registered":
        call.cancel()
        raise RuntimeError("the device did not answer the registration")
    return LiveCommands(call, requests, first.registered, handler)
