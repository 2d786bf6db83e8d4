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
