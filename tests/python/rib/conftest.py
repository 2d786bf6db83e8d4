"""pytest fixtures of this suite: they live in rib_helpers.py (a unique module name)."""

from rib_helpers import *  # noqa: F401,F403
