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

An on-box application (started by the device, ``system extensions extension-service
application``) connects without a password over the device's local socket::

    channel = openjet.connect_local()          # $JET_SOCKET, logged in as the app

An app's own gRPC API, reachable through the device (``openjet.registration``)::

    openjet.register_api(channel, "echo", "127.0.0.1:50051",
                         openjet.api_json({"acme.v1.Echo": ["Say", ("Watch", "server")]}))

Routes (``openjet.rib``, see its documentation)::

    rib = openjet.Rib(channel)
    rib.initialize()
    rib.add([openjet.route("10.1.0.0/24", ["192.0.2.1"])])
    print([openjet.prefix_of(r) for r in rib.get("10.0.0.0/8")])

Firewall filters and policers (``openjet.firewall``, see its documentation)::

    from openjet.firewall import Firewall, term
    fw = Firewall(channel)
    fw.add_filter("protect", [term("ssh", protocol="tcp", destination_port=22, then="discard")])
    fw.bind("protect", "ge-0/0/0.0", "input")

Live commands: add a command to the device's CLI and answer it (``openjet.app_commands``)::

    from openjet.app_commands import command
    live = openjet.serve_commands(channel, [command("show acme peers", "Peers")],
                                  lambda inv: "all peers up\n")
    live.close()                               # the command disappears

Interface objects through dcd (``openjet.interfaces``, see its documentation)::

    dcd = openjet.Interfaces(channel)
    dcd.add_interface("ae0", members=["ge-0/0/1", "ge-0/0/2"])
    dcd.add_unit("ae0", 0)
    dcd.add_family("ae0", 0, "inet")
    dcd.add_address("ae0", 0, "192.0.2.1/24")
"""

from __future__ import annotations

from .errors import FirewallError, InterfacesError, JetError, LoginError, RibError

__version__ = "0.1.0"

__all__ = [
    "Firewall",
    "FirewallError",
    "Interfaces",
    "InterfacesError",
    "JetError",
    "LoginError",
    "Rib",
    "RibError",
    "address_text",
    "api_json",
    "config_set",
    "connect",
    "connect_local",
    "gateways_of",
    "login",
    "op_command",
    "op_command_responses",
    "preference_of",
    "prefix_of",
    "register_api",
    "route",
    "route_key",
    "serve_commands",
]

# Name -> submodule holding it; imported on first use (the submodules import the stubs).
_LAZY = {
    **dict.fromkeys(("connect", "connect_local", "login", "op_command", "op_command_responses", "config_set"),
                    "_client"),
    **dict.fromkeys(("Rib", "route", "route_key", "prefix_of", "gateways_of", "address_text",
                     "preference_of"), "rib"),
    "Firewall": "firewall",
    "Interfaces": "interfaces",
    **dict.fromkeys(("api_json", "register_api"), "registration"),
    "serve_commands": "app_commands",
}


def __getattr__(name: str):  # PEP 562: import the stubs only when a helper is used
    if name in _LAZY:
        import importlib

        try:
            module = importlib.import_module(f".{_LAZY[name]}", __name__)
        except ImportError as exc:
            if "_gen" in str(exc):
                raise ImportError(
                    "openjet's gRPC stubs are not generated: run `python -m openjet.gen` "
                    "(or python/gen_stubs.sh) first"
                ) from exc
            raise
        return getattr(module, name)
    raise AttributeError(f"module 'openjet' has no attribute {name!r}")
