"""Fixtures of this suite live in juniper_legacy.py (a unique module name)."""

from juniper_legacy import *  # noqa: F401,F403
