"""Exceptions raised by the openjet helpers."""

from __future__ import annotations

from typing import Any


class JetError(Exception):
    """A JET call answered with ``jnx.jet.common.RpcStatus.code == FAILURE``.

    gRPC-level failures (UNAUTHENTICATED, UNAVAILABLE, ...) are not wrapped: they
    surface as :class:`grpc.RpcError` as usual.
    """

    def __init__(self, message: str, *, code: int = 1, response: Any = None) -> None:
        super().__init__(message)
        #: The device's message (``RpcStatus.message``).
        self.message = message
        #: ``RpcStatus.code`` (1 = FAILURE).
        self.code = code
        #: The full response message, when there was one.
        self.response = response


class LoginError(JetError):
    """``Login`` was refused (wrong user name or password, or no such user)."""


class RibError(JetError):
    """A RIB or routing-base call (``openjet.rib.Rib``) answered FAILURE.

    Besides the device's ``message`` it carries the service's ``sub_code`` by name
    (``"PREFIX_LEN_TOO_SHORT"``, ``"ROUTE_NOT_FOUND"``, ``"INVALID_PARAMS"``...; a code this
    build does not know reads ``"sub-code N"``) and, for Add/Modify/Update/Delete, how many
    routes of the call went in before the failure (``operations_completed``, counting the
    batches already sent: those routes *stay* programmed).
    """

    def __init__(
        self,
        message: str,
        *,
        call: str = "",
        sub_code: str = "",
        operations_completed: int = 0,
        code: int = 1,
        response: Any = None,
    ) -> None:
        super().__init__(message, code=code, response=response)
        #: The RPC that failed, e.g. ``"RouteAdd"``.
        self.call = call
        #: The service's sub-code by name, e.g. ``"PREFIX_LEN_TOO_SHORT"``.
        self.sub_code = sub_code
        #: Routes of this call applied before the failure (0 for calls without batches).
        self.operations_completed = operations_completed

    def __str__(self) -> str:
        head = f"{self.call} failed: " if self.call else ""
        code = f"{self.sub_code}: " if self.sub_code else ""
        return f"{head}{code}{self.message}"


class FirewallError(JetError):
    """A Firewall call (``openjet.firewall.Firewall``) was refused.

    Besides the device's ``message`` (which names the filter, term and field) it carries
    the call (``"FilterAdd"``) and the sub-code by name: ``"EINVALID_MESSAGE"``,
    ``"EUNSUPPORTED_OP"``, ``"NO_RESOURCE"``, ``"TIMEOUT"`` (counter gets) or
    ``"EINTERNAL"``.
    """

    def __init__(
        self, message: str, *, call: str = "", sub_code: str = "", code: int = 1, response: Any = None
    ) -> None:
        super().__init__(message, code=code, response=response)
        #: The RPC that failed, e.g. ``"FilterAdd"``.
        self.call = call
        #: The sub-code by name, e.g. ``"EINVALID_MESSAGE"``.
        self.sub_code = sub_code

    def __str__(self) -> str:
        head = f"{self.call} failed: " if self.call else ""
        code = f"{self.sub_code}: " if self.sub_code else ""
        return f"{head}{code}{self.message}"


class InterfacesError(JetError):
    """A dcd Interfaces call (``openjet.interfaces.Interfaces``) answered FAILURE, with the
    RPC (``call``) and its sub-code by name (``"NOT_OWNER_OF_OBJECT"``...)."""

    def __init__(
        self, message: str, *, call: str = "", sub_code: str = "", code: int = 1, response: Any = None
    ) -> None:
        super().__init__(message, code=code, response=response)
        #: The RPC that failed, e.g. ``"InterfaceAdd"``.
        self.call = call
        #: The sub-code by name, e.g. ``"NOT_OWNER_OF_OBJECT"``.
        self.sub_code = sub_code

    def __str__(self) -> str:
        return f"{self.call} failed: {self.sub_code}: {self.message}"
