"""Connection and call helpers over the generated stubs (see ``openjet/__init__.py``)."""

from __future__ import annotations

import os
from typing import Iterable, Sequence, Tuple, Union

import grpc

from ._gen import jnx_authentication_service_pb2 as auth_pb2
from ._gen import jnx_authentication_service_pb2_grpc as auth_grpc
from ._gen import jnx_common_base_types_pb2 as common_pb2
from ._gen import jnx_management_service_pb2 as mgmt_pb2
from ._gen import jnx_management_service_pb2_grpc as mgmt_grpc
from .errors import JetError, LoginError

PemSource = Union[None, bytes, str, "os.PathLike[str]"]

#: ``fmt`` names accepted by :func:`op_command`.
OP_FORMATS = {
    "text": mgmt_pb2.OP_COMMAND_OUTPUT_CLI,
    "cli": mgmt_pb2.OP_COMMAND_OUTPUT_CLI,
    "xml": mgmt_pb2.OP_COMMAND_OUTPUT_XML,
    "json": mgmt_pb2.OP_COMMAND_OUTPUT_JSON,
}

#: ``load_type`` names accepted by :func:`config_set` (new-generation numbering).
LOAD_TYPES = {
    "merge": mgmt_pb2.CONFIG_LOAD_MERGE,
    "replace": mgmt_pb2.CONFIG_LOAD_REPLACE,
    "override": mgmt_pb2.CONFIG_LOAD_OVERRIDE,
    "update": mgmt_pb2.CONFIG_LOAD_UPDATE,
    "set": mgmt_pb2.CONFIG_LOAD_SET,
}


def _pem(source: PemSource) -> bytes | None:
    """PEM bytes from bytes, PEM text, or a file path."""
    if source is None or isinstance(source, bytes):
        return source
    text = os.fspath(source)
    if "-----BEGIN" in text:
        return text.encode()
    with open(text, "rb") as f:
        return f.read()


def connect(
    address: str,
    ca: PemSource = None,
    server_name: str | None = None,
    cert: PemSource = None,
    key: PemSource = None,
    *,
    options: Sequence[Tuple[str, object]] = (),
) -> grpc.Channel:
    """Open a channel to a JET device (``host:port``).

    With ``ca`` (a CA certificate: path, PEM text or bytes), ``cert``/``key`` (a client
    certificate for mutual TLS) or ``server_name`` the channel uses TLS, otherwise clear
    text. ``server_name`` overrides the name the server certificate is checked against
    (and the HTTP/2 authority), e.g. ``"localhost"`` when connecting to an IP address.

    A JET session is the connection: ``Login`` authenticates the connection it is sent on.
    So every channel made here gets its own connection (a local subchannel pool), never
    one shared with another channel to the same address.
    """
    if (cert is None) != (key is None):
        raise ValueError("cert and key go together (mutual TLS needs both)")
    opts = [("grpc.use_local_subchannel_pool", 1)]
    if server_name:
        opts.append(("grpc.ssl_target_name_override", server_name))
    opts.extend(options)
    if ca is None and cert is None and server_name is None:
        return grpc.insecure_channel(address, options=opts)
    creds = grpc.ssl_channel_credentials(
        root_certificates=_pem(ca), private_key=_pem(key), certificate_chain=_pem(cert)
    )
    return grpc.secure_channel(address, creds, options=opts)


def connect_local(path: str | None = None) -> grpc.Channel:
    """Open a channel over the device's local socket, as an on-box application.

    ``path`` defaults to ``$JET_SOCKET``, which the device sets for the applications it
    starts. The device knows the caller from its process: the session is logged in as
    the application's configured ``username`` with the application's name as client id,
    so no :func:`login` is needed (a process that is not an application must log in).
    """
    path = path or os.environ.get("JET_SOCKET")
    if not path:
        raise ValueError("no socket path given and JET_SOCKET is not set")
    return grpc.insecure_channel(
        "unix:" + os.fspath(path),
        # The default authority would be the socket path, which is no valid HTTP/2
        # :authority (the server resets the stream).
        options=[("grpc.use_local_subchannel_pool", 1), ("grpc.default_authority", "localhost")],
    )


def _check(status: common_pb2.RpcStatus, response: object, what: str, exc: type = JetError) -> None:
    if status.code != common_pb2.SUCCESS:
        message = status.message or f"{what} failed"
        raise exc(message, code=status.code, response=response)


def login(
    channel: grpc.Channel,
    user: str,
    password: str,
    client_id: str,
    group_id: str = "",
    *,
    timeout: float | None = 30,
) -> auth_pb2.LoginResponse:
    """``jnx.jet.authentication.Authentication/Login`` on ``channel``.

    Raises :class:`openjet.LoginError` when the device answers FAILURE.
    """
    stub = auth_grpc.AuthenticationStub(channel)
    request = auth_pb2.LoginRequest(
        username=user, password=password, client_id=client_id, group_id=group_id
    )
    response = stub.Login(request, timeout=timeout)
    _check(response.status, response, "Login", LoginError)
    return response


def op_command_responses(
    channel: grpc.Channel, cmd: str, fmt: str = "text", *, timeout: float | None = 60
) -> Iterable[mgmt_pb2.OpCommandGetResponse]:
    """The raw ``OpCommandGet`` response stream (no status checks)."""
    try:
        out_format = OP_FORMATS[fmt.lower()]
    except KeyError:
        raise ValueError(f"fmt must be one of {sorted(OP_FORMATS)}, not {fmt!r}") from None
    if cmd.lstrip().startswith("<"):
        request = mgmt_pb2.OpCommandGetRequest(xml_command=cmd, out_format=out_format)
    else:
        request = mgmt_pb2.OpCommandGetRequest(cli_command=cmd, out_format=out_format)
    return mgmt_grpc.ManagementStub(channel).OpCommandGet(request, timeout=timeout)


def op_command(
    channel: grpc.Channel, cmd: str, fmt: str = "text", *, timeout: float | None = 60
) -> str:
    """Run an operational command and return its whole output.

    ``cmd`` is a CLI command (``"show version"``) or, when it starts with ``<``, an XML
    RPC (``"<get-software-information/>"``). ``fmt`` is ``"text"`` (alias ``"cli"``),
    ``"xml"`` or ``"json"``. The streamed chunks are joined. Raises
    :class:`openjet.JetError` when any response carries status FAILURE.
    """
    chunks = []
    for response in op_command_responses(channel, cmd, fmt, timeout=timeout):
        _check(response.status, response, f"OpCommandGet {cmd!r}")
        chunks.append(response.data)
    return "".join(chunks)


def config_set(
    channel: grpc.Channel,
    config: str,
    load_type: str = "merge",
    fmt: str = "text",
    *,
    comment: str = "",
    timeout: float | None = 60,
) -> mgmt_pb2.ConfigSetResponse:
    """Load ``config`` (``fmt``: ``"text"``, ``"xml"`` or ``"json"``) and commit it.

    ``load_type`` is ``"merge"`` (default), ``"replace"``, ``"override"``, ``"update"``
    or ``"set"`` (with ``fmt="text"``, ``set ...`` lines). Raises
    :class:`openjet.JetError` when the device answers FAILURE.
    """
    try:
        lt = LOAD_TYPES[load_type.lower()]
    except KeyError:
        raise ValueError(f"load_type must be one of {sorted(LOAD_TYPES)}") from None
    field = {"text": "text_config", "xml": "xml_config", "json": "json_config"}.get(fmt.lower())
    if field is None:
        raise ValueError("fmt must be 'text', 'xml' or 'json'")
    request = mgmt_pb2.ConfigSetRequest(
        load_type=lt, commit=mgmt_pb2.ConfigCommit(comment=comment), **{field: config}
    )
    response = mgmt_grpc.ManagementStub(channel).ConfigSet(request, timeout=timeout)
    _check(response.status, response, "ConfigSet")
    return response
