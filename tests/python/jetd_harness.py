"""Fixtures: real `jetd` devices on free loopback ports, in temporary data directories.

The binary is $JETD_BIN (default: <repo>/target/debug/jetd). Each device gets
`jetd certs generate`, then a seeded configuration with a user `admin` whose password
the tests know, a clear-text and a TLS listener. The openjet stubs are generated on
first use when python/openjet/_gen is missing.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PYTHON_DIR = REPO / "python"
if str(PYTHON_DIR) not in sys.path:
    sys.path.insert(0, str(PYTHON_DIR))

if not (PYTHON_DIR / "openjet" / "_gen" / "__init__.py").exists():
    from openjet import gen as _gen_mod

    _gen_mod.generate()

ADMIN_PASSWORD = "Pytest-jet-1"
HOST_NAME = "pytest-dev"
START_TIMEOUT = 60.0


def sha512_crypt(password: str) -> str:
    """A `$6$salt$hash` (5000 rounds) password hash, as Junos stores it."""
    try:
        from passlib.hash import sha512_crypt as _sha512

        return _sha512.using(rounds=5000).hash(password)
    except ImportError:  # pragma: no cover - passlib is in requirements-test.txt
        import crypt  # deprecated, gone in Python 3.13

        return crypt.crypt(password, crypt.mksalt(crypt.METHOD_SHA512))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def jetd_bin() -> Path:
    path = Path(os.environ.get("JETD_BIN", REPO / "target" / "debug" / "jetd"))
    if not path.is_absolute():
        path = REPO / path
    if not path.is_file():
        pytest.fail(f"jetd binary not found at {path}: run `cargo build -p jetd` or set JETD_BIN")
    return path


def device_config(
    clear_port: int, ssl_port: int, password_hash: str, mutual_tls: bool,
    mqtt_port: int = 0, mqtt_tls_port: int = 0,
) -> str:
    mutual = ""
    if mutual_tls:
        mutual = """
                    mutual-authentication {
                        certificate-authority jet-ca;
                        client-certificate-request require-certificate-and-verify;
                    }"""
    return f"""\
system {{
    host-name {HOST_NAME};
    login {{
        user admin {{
            uid 2000;
            class super-user;
            authentication {{
                encrypted-password "{password_hash}";
            }}
        }}
    }}
    services {{
        extension-service {{
            request-response {{
                grpc {{
                    clear-text {{
                        address 127.0.0.1;
                        port {clear_port};
                    }}
                    ssl {{
                        address 127.0.0.1;
                        port {ssl_port};
                        local-certificate jsd;{mutual}
                    }}
                    max-connections 8;
                }}
            }}
            notification {{
                address 127.0.0.1;
                port {mqtt_port};
                allow-clients {{
                    address 127.0.0.1/32;
                }}
                ssl {{
                    address 127.0.0.1;
                    port {mqtt_tls_port};
                    local-certificate jsd;
                }}
            }}
        }}
    }}
}}
security {{
    certificates {{
        local jsd {{
            load-key-file certs/server.pem;
        }}
    }}
    pki {{
        ca-profile jet-ca {{
            ca-identity jet-ca;
        }}
    }}
}}
"""


@dataclass
class Device:
    """A running jetd and what a client needs to reach it."""

    proc: subprocess.Popen
    data_dir: Path
    clear_port: int
    ssl_port: int
    mqtt_port: int = 0
    mqtt_tls_port: int = 0
    user: str = "admin"
    password: str = ADMIN_PASSWORD
    host_name: str = HOST_NAME
    output: list = field(default_factory=list)

    @property
    def clear_address(self) -> str:
        return f"127.0.0.1:{self.clear_port}"

    @property
    def ssl_address(self) -> str:
        return f"127.0.0.1:{self.ssl_port}"

    @property
    def certs(self) -> Path:
        return self.data_dir / "certs"

    @property
    def ca(self) -> Path:
        return self.certs / "ca.crt"

    def clear_channel(self):
        import openjet

        return openjet.connect(self.clear_address)

    def tls_channel(self, **kwargs):
        import openjet

        return openjet.connect(self.ssl_address, ca=self.ca, server_name="localhost", **kwargs)

    def logged_in(self, channel, client_id: str = "pytest"):
        import openjet

        openjet.login(channel, self.user, self.password, client_id)
        return channel

    def log(self) -> str:
        return "".join(self.output)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)


# Free ports are picked, released and bound again by jetd; another process can take one
# in between. Such an attempt (jetd exits before listening) is retried with fresh ports.
START_ATTEMPTS = 4


def start_device(tmp: Path, mutual_tls: bool = False) -> Device:
    for attempt in range(1, START_ATTEMPTS + 1):
        device = _start_once(tmp / f"attempt-{attempt}", mutual_tls, last=attempt == START_ATTEMPTS)
        if device is not None:
            return device
    raise AssertionError("unreachable: the last attempt fails the test")


def _start_once(tmp: Path, mutual_tls: bool, last: bool) -> Device | None:
    binary = jetd_bin()
    data_dir = tmp / "data"
    data_dir.mkdir(parents=True)
    subprocess.run(
        [str(binary), "certs", "generate", "--data-dir", str(data_dir)],
        check=True, stdout=subprocess.DEVNULL, timeout=120,
    )
    ports = set()
    while len(ports) < 4:
        ports.add(free_port())
    clear_port, ssl_port, mqtt_port, mqtt_tls_port = sorted(ports)
    config = tmp / "seed.conf"
    config.write_text(
        device_config(
            clear_port, ssl_port, sha512_crypt(ADMIN_PASSWORD), mutual_tls, mqtt_port, mqtt_tls_port
        )
    )

    proc = subprocess.Popen(
        [str(binary), "--data-dir", str(data_dir), "--config", str(config)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp,
        env={**os.environ, "RUST_LOG": os.environ.get("RUST_LOG", "info")},
    )
    device = Device(proc, data_dir, clear_port, ssl_port, mqtt_port, mqtt_tls_port)
    ready = threading.Event()
    want = {
        f"127.0.0.1:{clear_port} (gRPC, clear-text)",
        f"127.0.0.1:{ssl_port} (gRPC, ssl)",
        f"127.0.0.1:{mqtt_port} (MQTT)",
    }
    lost_port = threading.Event()

    def pump() -> None:  # keep reading so jetd never blocks on a full pipe
        for line in proc.stdout:
            device.output.append(line)
            for w in list(want):
                if "listening on" in line and w in line:
                    want.discard(w)
            if "Address already in use" in line:
                # jetd keeps running without that listener (as a router would): give up
                # on this attempt at once rather than waiting for the timeout.
                lost_port.set()
                ready.set()
            if not want:
                ready.set()
        ready.set()

    threading.Thread(target=pump, daemon=True).start()
    ready.wait(START_TIMEOUT)
    if lost_port.is_set() and not last:
        # Lost a port to another process between picking and binding it: try again.
        device.stop()
        return None
    if want or lost_port.is_set():
        device.stop()
        pytest.fail(
            f"jetd did not report listening on {sorted(want)} within {START_TIMEOUT}s, "
            f"or could not bind a port on the last of {START_ATTEMPTS} attempts "
            f"(exit code {proc.poll()}); output:\n{device.log()}"
        )
    return device


@pytest.fixture(scope="session")
def jetd(tmp_path_factory):
    """One device shared by the read-only tests (never change its configuration)."""
    device = start_device(tmp_path_factory.mktemp("jetd"))
    yield device
    device.stop()


@pytest.fixture
def fresh_jetd(tmp_path):
    """A device of its own, for tests that change the configuration."""
    device = start_device(tmp_path)
    yield device
    device.stop()


@pytest.fixture(scope="module")
def mtls_jetd(tmp_path_factory):
    """A device whose TLS listener requires and verifies a client certificate."""
    device = start_device(tmp_path_factory.mktemp("jetd-mtls"), mutual_tls=True)
    yield device
    device.stop()
