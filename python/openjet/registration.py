"""Registering an app's own gRPC API with the device (``jnx.jet.registration``), so that
other clients reach it through the device's JET port (jsd forwards the calls)::

    import openjet
    api = openjet.api_json({"acme.v1.Echo": ["Say", ("Watch", "server")]}, versions={"acme.v1.Echo": "1.0.0"})
    openjet.register_api(channel, "echo", "127.0.0.1:50051", api)

The JSON format is OpenJET's (``docs/registration.md``): ``{"services": [{"name": ...,
"version": ..., "rpcs": [...]}]}``.
"""

from __future__ import annotations

import json
from typing import Dict, Iterable, Mapping, Tuple, Union

import grpc

from ._client import _check
from ._gen import jnx_registration_service_pb2 as reg_pb2
from ._gen import jnx_registration_service_pb2_grpc as reg_grpc

#: An RPC: its name (unary), or ``(name, kind)`` with kind ``"unary"``, ``"server"``,
#: ``"client"`` or ``"bidi"``, or ``(name, kind, login_class)``.
RpcSpec = Union[str, Tuple[str, str], Tuple[str, str, str]]

_KINDS = {"unary": (False, False), "server": (False, True), "client": (True, False), "bidi": (True, True)}


def api_json(services: Mapping[str, Iterable[RpcSpec]], versions: Dict[str, str] | None = None) -> str:
    """The registration JSON for ``{"pkg.Service": [rpc, ...]}``."""
    out = []
    for name, rpcs in services.items():
        entries = []
        for r in rpcs:
            if isinstance(r, str):
                r = (r, "unary")
            kind = r[1]
            if kind not in _KINDS:
                raise ValueError(f"{name}: RPC kind {kind!r} is not one of {sorted(_KINDS)}")
            cs, ss = _KINDS[kind]
            e = {"name": r[0], "client_streaming": cs, "server_streaming": ss}
            if len(r) > 2:
                e["class"] = r[2]
            entries.append(e)
        svc = {"name": name, "rpcs": entries}
        if versions and name in versions:
            svc["version"] = versions[name]
        out.append(svc)
    return json.dumps({"services": out})


def register_api(
    channel: grpc.Channel,
    registration_id: str,
    target: str,
    api: str,
    *,
    skip_authentication: bool = False,
    timeout: float | None = 30,
) -> reg_pb2.ApiRegisterResponse:
    """``ApiRegister``: ``api`` is the JSON (see :func:`api_json`), ``target`` where the
    app's server listens (``127.0.0.1:50051``, ``[::1]:50051``, ``unix:/path``).
    Registering the same id again replaces it. Raises :class:`openjet.JetError` on FAILURE
    (the message names the bad field or JSON element)."""
    request = reg_pb2.ApiRegisterRequest(
        json_string=api, target=target, id=registration_id, skip_authentication=skip_authentication
    )
    response = reg_grpc.RegistrationStub(channel).ApiRegister(request, timeout=timeout)
    _check(response.status, response, "ApiRegister")
    return response
