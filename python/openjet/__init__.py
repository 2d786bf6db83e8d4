"""openjet: a Python SDK for JET devices (OpenJET's ``jetd`` or a Junos router).

The gRPC stubs are generated from OpenJET's ``.proto`` files into ``openjet._gen``
(``python -m openjet.gen``, or ``pip install``), e.g.::

    from openjet._gen import jnx_management_service_pb2 as mgmt_pb2
    from openjet._gen import jnx_management_service_pb2_grpc as mgmt_grpc

The helpers cover the usual first steps of a JET app::

    import openjet
    channel = openjet.connect("127.0.0.1:32767", ca="ca.crt", server_name="localhost")
    openjet.login(channel, "admin", password, client_id="my-app")
    print(openjet.op_command(channel, "show version"))

Remember that Login authenticates the *connection*: log in on the channel you then use.
"""

from __future__ import annotations

from .errors import JetError, LoginError

__version__ = "0.1.0"

__all__ = [
    "JetError",
    "LoginError",
    "config_set",
    "connect",
    "login",
    "op_command",
    "op_command_responses",
]

_LAZY = {"connect", "login", "op_command", "op_command_responses", "config_set"}


def __getattr__(name: str):  # PEP 562: import the stubs only when a helper is used
    if name in _LAZY:
        try:
            from . import _client
        except ImportError as exc:
            if "_gen" in str(exc):
                raise ImportError(
                    "openjet's gRPC stubs are not generated: run `python -m openjet.gen` "
                    "(or python/gen_stubs.sh) first"
                ) from exc
            raise
        return getattr(_client, name)
    raise AttributeError(f"module 'openjet' has no attribute {name!r}")
