"""Fixtures for the operational-command tests: a device with interfaces configured.

Reuses `start_device` from the suite's shared harness (`jetd_harness.py`).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from jetd_harness import start_device  # noqa: E402  (the suite's shared harness)

INTERFACES = """\
interfaces {
    ge-0/0/0 {
        description "to r2";
        unit 0 {
            family inet {
                address 192.0.2.1/24;
            }
        }
    }
    lo0 {
        unit 0 {
            family inet {
                address 10.255.0.1/32;
            }
        }
    }
}
"""


@pytest.fixture(scope="module")
def ifd_jetd(tmp_path_factory):
    """A device of this module's own, with `INTERFACES` committed through ConfigSet."""
    import openjet

    device = start_device(tmp_path_factory.mktemp("jetd-ops"))
    ch = device.logged_in(device.clear_channel(), client_id="pytest-ops-setup")
    try:
        openjet.config_set(ch, INTERFACES, load_type="merge", comment="interfaces")
    finally:
        ch.close()
    yield device
    device.stop()


@pytest.fixture
def ops(ifd_jetd):
    """A logged-in channel to `ifd_jetd`."""
    ch = ifd_jetd.logged_in(ifd_jetd.clear_channel(), client_id="pytest-ops")
    yield ch
    ch.close()
