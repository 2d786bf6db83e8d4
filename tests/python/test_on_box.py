"""On-box apps: an app started by the device uses the Python SDK over the local socket
(no password) to program a route and read `show route`."""

import os
import shutil
import time

import openjet
from jetd_harness import PYTHON_DIR

# The device's python3 must import the SDK: jetd (started by the fixtures below)
# inherits this, and its apps inherit jetd's environment.
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(PYTHON_DIR), os.environ.get("PYTHONPATH", "")) if p
)

APP = "system extensions extension-service application file onbox_route.py"


def wait_for(what, fn, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_on_box_python_app_programs_a_route_over_the_local_socket(fresh_jetd):
    dev = fresh_jetd
    scripts = dev.data_dir / "scripts" / "jet"
    scripts.mkdir(parents=True, exist_ok=True)
    shutil.copy(PYTHON_DIR / "examples" / "onbox_route.py", scripts / "onbox_route.py")
    channel = dev.logged_in(dev.clear_channel())
    # An interface on 192.0.2.0/24, so that the app's route via 192.0.2.1 resolves.
    openjet.config_set(
        channel,
        "set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.254/24\n"
        f"set {APP} interpreter python3\nset {APP} username admin\n"
        f'set {APP} arguments "10.99.0.0/24 192.0.2.1"',
        load_type="set",
    )
    out = openjet.op_command(channel, "request extension-service start onbox_route.py")
    assert "Extension-service application 'onbox_route.py' with pid:" in out

    def log():
        try:
            return openjet.op_command(channel, "show log onbox_route.py")
        except openjet.JetError:
            return ""

    text = wait_for("the app's output", lambda: "route programmed" in log() and log())
    assert "10.99.0.0/24" in text, text
    # The route is the app's: its client id is the application name.
    clients = openjet.op_command(channel, "show route client-info")
    assert "onbox_route.py" in clients, clients
    table = openjet.op_command(channel, "show extension-service application onbox_route.py")
    assert "running" in table, table
    # A process that is not an app must log in on the local socket.
    local = openjet.connect_local(str(dev.data_dir / "run" / "jsd.sock"))
    try:
        openjet.op_command(local, "show version")
        raise AssertionError("an unknown local process was let in without Login")
    except Exception as e:  # grpc.RpcError: UNAUTHENTICATED
        assert "UNAUTHENTICATED" in str(e) or "login" in str(e).lower(), e
    openjet.op_command(channel, "request extension-service stop onbox_route.py")
