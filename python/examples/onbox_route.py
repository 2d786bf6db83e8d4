#!/usr/bin/env python3
"""onbox_route.py: the on-box variant of route_injector.py. The device starts it and it
reaches jsd over the device's local socket, without a password: the device knows the
process and logs the session in as the application's configured user, with the
application's name (``onbox_route.py``) as client id.

Install it on a device (``jetd``) and run it::

    cp onbox_route.py DATA/scripts/jet/
    set system extensions extension-service application file onbox_route.py interpreter python3
    set system extensions extension-service application file onbox_route.py username admin
    request extension-service start onbox_route.py 10.99.0.0/24 192.0.2.1

It programs PREFIX via GATEWAY, prints ``show route PREFIX`` as the device sees it (in
``show log onbox_route.py``), and then stays up so its route stays (`request
extension-service stop onbox_route.py` ends it; the route is purged after the purge
time). The SDK (``pip install ./python``, or ``python/`` on ``PYTHONPATH``) must be
importable by the device's ``python3``.
"""

from __future__ import annotations

import sys
import time

import openjet
from openjet.rib import Rib, route


def main(argv: list[str]) -> int:
    prefix = argv[1] if len(argv) > 1 else "10.99.0.0/24"
    gateway = argv[2] if len(argv) > 2 else "192.0.2.1"
    channel = openjet.connect_local()
    rib = Rib(channel)
    rib.initialize()
    rib.add([route(prefix, [gateway])])
    print(openjet.op_command(channel, f"show route {prefix}"), flush=True)
    print("onbox_route: route programmed", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
