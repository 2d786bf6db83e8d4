"""Juniper's own stubs of the older JET generation, and the child process that uses them.

The stubs are generated from the `1/` folder of the crates.io package juniper-jet
0.1.0-alpha.1 (in cargo's registry cache once compat/juniper-jet has been built, or
$JUNIPER_JET_1). Tests using them are skipped when that folder is absent.
"""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
FILES = ["jnx_base_types.proto", "jnx_addr.proto", "prpd_common.proto",
         "flexible_tunnel_profile.proto", "rib_service.proto", "prpd_service.proto",
         "authentication_service.proto", "bgp_route_service.proto",
         "routing_interface_service.proto", "dcd_service.proto",
         "flexible_tunnel_service.proto", "registration_service.proto"]


def juniper_1_dir() -> Path | None:
    env = os.environ.get("JUNIPER_JET_1")
    if env:
        return Path(env)
    home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
    found = sorted(glob.glob(f"{home}/registry/src/*/juniper-jet-0.1.0-alpha.1/protos/23.1/23.1R1.8/1"))
    return Path(found[0]) if found else None


def generate_stubs(out: Path) -> Path:
    src = juniper_1_dir()
    if src is None or not src.is_dir():
        pytest.skip("juniper-jet 0.1.0-alpha.1 is not in cargo's registry cache "
                    "(build compat/juniper-jet first or set JUNIPER_JET_1)")
    import grpc_tools

    well_known = Path(grpc_tools.__file__).parent / "_proto"
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "grpc_tools.protoc", f"-I{src}", f"-I{well_known}",
                    f"--python_out={out}", f"--grpc_python_out={out}", *FILES],
                   check=True)
    return out


class LegacyClient:
    """One child process with one legacy session (LoginCheck done)."""

    def __init__(self, stubs: Path, dev, client_id: str):
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "legacy_client.py"), str(stubs), dev.clear_address,
             dev.user, dev.password, client_id],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        ready = self._read()
        assert ready.get("ready"), ready

    def _read(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError(f"legacy client exited ({self.proc.wait(timeout=10)})")
        return json.loads(line)

    def __call__(self, call: str, **args) -> dict:
        self.proc.stdin.write(json.dumps({"call": call, **args}) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture(scope="session")
def juniper_stubs(tmp_path_factory):
    return generate_stubs(tmp_path_factory.mktemp("juniper-legacy-stubs"))


@pytest.fixture
def legacy(juniper_stubs):
    """A factory: legacy(dev, client_id) -> LegacyClient, stopped at the end."""
    clients = []

    def make(dev, client_id="py-legacy"):
        c = LegacyClient(juniper_stubs, dev, client_id)
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.stop()
