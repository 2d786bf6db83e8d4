"""pytest fixtures of this suite: they live in mqtt_helpers.py (a unique module name)."""

from mqtt_helpers import *  # noqa: F401,F403
