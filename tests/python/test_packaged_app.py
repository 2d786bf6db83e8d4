"""A signed package made with the real `jet` tool, installed with `jet deploy` and started
by the device's app supervisor: its process reaches jsd over the local socket and is held
to the RPCs its manifest declares (PERMISSION_DENIED naming the RPC otherwise)."""

import json
import os
import subprocess
import time

import openjet
from jetd_harness import ADMIN_PASSWORD, PYTHON_DIR, REPO

# The device's python3 must import the SDK: jetd (started by the fixtures below)
# inherits this, and its apps inherit jetd's environment.
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(PYTHON_DIR), os.environ.get("PYTHONPATH", "")) if p
)

# The app: one declared call (OpCommandGet), one undeclared (ConfigSet); it reports both.
APP_MAIN = '''\
import time

import openjet

channel = openjet.connect_local()
version = openjet.op_command(channel, "show version")
print("declared call answered:", version.splitlines()[0], flush=True)
try:
    openjet.config_set(channel, "set system location building perm-test", load_type="set")
    print("undeclared call allowed", flush=True)
except Exception as e:  # grpc.RpcError
    print("undeclared call refused:", e.code().name, e.details(), flush=True)
while True:
    time.sleep(60)
'''


def jet_bin():
    path = os.environ.get("JET_BIN", str(REPO / "target" / "debug" / "jet"))
    assert os.path.isfile(path), f"jet binary not found at {path}: run `cargo build -p jet-tool`"
    return path


def jet(workdir, *args, env=None):
    out = subprocess.run(
        [jet_bin(), *args], cwd=workdir, capture_output=True, text=True, timeout=120,
        env={**os.environ, **(env or {})},
    )
    assert out.returncode == 0, f"jet {args} failed:\n{out.stdout}{out.stderr}"
    return out.stdout


def wait_for(what, fn, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_undeclared_rpc_of_an_installed_package_is_permission_denied(fresh_jetd, tmp_path):
    dev = fresh_jetd
    work = tmp_path / "dev"
    work.mkdir()
    jet(work, "keygen", "acme")
    jet(work, "new", "permcheck", "--lang", "python", "--provider", "acme")
    app = work / "permcheck"
    (app / "main.py").write_text(APP_MAIN)
    spec_file = next(p for p in app.iterdir() if p.suffix == ".json")
    spec = json.loads(spec_file.read_text())
    # What `jet new` declares: OpCommandGet only.
    assert spec["permissions"] == ["jnx.jet.management.Management/OpCommandGet"], spec
    out = jet(work, "package", "permcheck", "--key", "acme.key")
    assert "signed   manifest.json with key" in out, out

    # Trust the developer's key the device's way.
    providers = dev.data_dir / "certs" / "providers"
    providers.mkdir(parents=True, exist_ok=True)
    (providers / "acme.pub").write_text((work / "acme.pub").read_text())
    channel = dev.logged_in(dev.clear_channel())
    openjet.config_set(channel, "set system extensions providers acme", load_type="set")

    out = jet(
        work, "deploy", "permcheck-1.0.0.tgz",
        env={"JET_ADDRESS": dev.clear_address, "JET_USER": "admin", "JET_PASSWORD": ADMIN_PASSWORD},
    )
    assert "Package permcheck 1.0.0 installed" in out, out

    def log():
        try:
            return openjet.op_command(channel, "show log permcheck")
        except openjet.JetError:
            return ""

    text = wait_for("the app's report", lambda: "undeclared call" in log() and log())
    assert "declared call answered:" in text, text
    assert "undeclared call allowed" not in text, text
    refused = next(line for line in text.splitlines() if "undeclared call refused" in line)
    assert "PERMISSION_DENIED" in refused, refused
    assert "/jnx.jet.management.Management/ConfigSet" in refused, refused
    assert "app 'permcheck' did not declare" in refused, refused
    # Nothing of the refused call reached the configuration.
    config = openjet.op_command(channel, "show configuration system")
    assert "perm-test" not in config, config
    # The process is the device's: listed as running from its package.
    apps = openjet.op_command(channel, "show extension-service application")
    assert "permcheck" in apps and "running" in apps.lower(), apps
