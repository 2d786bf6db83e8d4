"""python/examples/*: each example app runs as a subprocess against a real device."""

import os
import subprocess
import sys

from jetd_harness import PYTHON_DIR

EXAMPLE = PYTHON_DIR / "examples" / "show_version.py"


def run_example(jetd, *args, password=None, extra_env=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("JET_")}
    env["PYTHONPATH"] = str(PYTHON_DIR)
    if password is not None:
        env["JET_PASSWORD"] = password
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, str(EXAMPLE), *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_show_version_example_over_tls(jetd):
    r = run_example(
        jetd, "--address", jetd.ssl_address, "--user", jetd.user,
        "--ca", str(jetd.ca), "--server-name", "localhost", password=jetd.password,
    )
    assert r.returncode == 0, r.stderr
    assert "Hostname: pytest-dev" in r.stdout.splitlines()


def test_show_version_example_from_environment(jetd):
    r = run_example(
        jetd, password=jetd.password,
        extra_env={
            "JET_ADDRESS": jetd.ssl_address, "JET_USER": jetd.user,
            "JET_CA": str(jetd.ca), "JET_SERVER_NAME": "localhost",
        },
    )
    assert r.returncode == 0, r.stderr
    assert "Hostname: pytest-dev" in r.stdout.splitlines()


def test_show_version_example_wrong_password(jetd):
    r = run_example(
        jetd, "--address", jetd.ssl_address, "--ca", str(jetd.ca), "--server-name", "localhost",
        password="wrong",
    )
    assert r.returncode == 2
    assert "login refused" in r.stderr
    assert "Hostname" not in r.stdout
