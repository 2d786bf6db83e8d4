"""Fixtures for the operational-command tests: a device with interfaces configured.

Reuses `start_device` from the suite's conftest (loaded by path: both files are named
conftest.py, so a plain import would find this one).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_BASE_PATH = Path(__file__).resolve().parents[1] / "conftest.py"
_spec = importlib.util.spec_from_file_location("openjet_suite_conftest", _BASE_PATH)
assert _spec is not None and _spec.loader is not None
_base = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _base  # dataclasses look their module up there
_spec.loader.exec_module(_base)
start_device = _base.start_device

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
