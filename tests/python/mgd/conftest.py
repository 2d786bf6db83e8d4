"""Fixtures for the mgd tests: a jetd with one user per login class, and Python stubs
of OpenJET's own ``openjet.config.v1.ConfigSession`` service (generated here into a
temporary folder; the shared ``openjet._gen`` package holds the JET protos only).
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from jetd_harness import (  # the shared fixtures module of tests/python
    ADMIN_PASSWORD,
    HOST_NAME,
    START_TIMEOUT,
    REPO,
    Device,
    free_port,
    jetd_bin,
    sha512_crypt,
)

OPERATOR_PASSWORD = "Pytest-noc-2"
VIEWER_PASSWORD = "Pytest-view-3"


def mgd_config(port: int) -> str:
    users = "".join(
        f"""
        user {name} {{
            uid {uid};
            class {cls};
            authentication {{
                encrypted-password "{sha512_crypt(pw)}";
            }}
        }}"""
        for name, uid, cls, pw in [
            ("admin", 2000, "super-user", ADMIN_PASSWORD),
            ("noc", 2001, "operator", OPERATOR_PASSWORD),
            ("viewer", 2002, "read-only", VIEWER_PASSWORD),
        ]
    )
    return f"""\
system {{
    host-name {HOST_NAME};
    login {{{users}
    }}
    services {{
        extension-service {{
            request-response {{
                grpc {{
                    clear-text {{
                        address 127.0.0.1;
                        port {port};
                    }}
                }}
            }}
        }}
    }}
}}
"""


def start_mgd_device(tmp: Path) -> Device:
    binary = jetd_bin()
    data_dir = tmp / "data"
    port = free_port()
    seed = tmp / "seed.conf"
    seed.write_text(mgd_config(port))
    proc = subprocess.Popen(
        [str(binary), "--data-dir", str(data_dir), "--config", str(seed)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp,
    )
    device = Device(proc, data_dir, port, 0)
    ready = threading.Event()

    def pump() -> None:  # keep reading so jetd never blocks on a full pipe
        for line in proc.stdout:
            device.output.append(line)
            if f"listening on 127.0.0.1:{port}" in line:
                ready.set()
        ready.set()

    threading.Thread(target=pump, daemon=True).start()
    if not ready.wait(START_TIMEOUT) or proc.poll() is not None:
        device.stop()
        pytest.fail(f"jetd did not start; output:\n{device.log()}")
    return device


@pytest.fixture
def mgd_jetd(tmp_path):
    """A device of its own with users admin (super-user), noc (operator), viewer (read-only)."""
    device = start_mgd_device(tmp_path)
    yield device
    device.stop()


@pytest.fixture(scope="session")
def cs_stubs(tmp_path_factory):
    """``(config_session_pb2, config_session_pb2_grpc)`` generated from our proto."""
    from grpc_tools import protoc

    out = tmp_path_factory.mktemp("cs_stubs")
    proto_dir = REPO / "crates" / "jet-proto" / "proto" / "openjet"
    rc = protoc.main(
        [
            "grpc_tools.protoc",
            f"-I{proto_dir}",
            f"--python_out={out}",
            f"--grpc_python_out={out}",
            "config_session.proto",
        ]
    )
    assert rc == 0, "protoc failed on openjet/config_session.proto"
    sys.path.insert(0, str(out))
    try:
        return (
            importlib.import_module("config_session_pb2"),
            importlib.import_module("config_session_pb2_grpc"),
        )
    finally:
        sys.path.remove(str(out))
