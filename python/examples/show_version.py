#!/usr/bin/env python3
"""A minimal JET app: log in over TLS and print the device's `show version`.

    JET_PASSWORD=secret python3 show_version.py --address 127.0.0.1:32767 \
        --user admin --ca jetd-data/certs/ca.crt --server-name localhost

Every option can also come from the environment: JET_ADDRESS, JET_USER, JET_CA,
JET_SERVER_NAME, JET_CLIENT_ID; the password only from JET_PASSWORD (never on the
command line, where `ps` would show it). Without a CA file the app connects in
clear text (a jetd clear-text listener, or a lab router).
"""

from __future__ import annotations

import argparse
import os
import sys

try:
    import openjet
except ImportError:  # running from a source checkout without `pip install ./python`
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import openjet

import grpc


def main() -> int:
    env = os.environ.get
    parser = argparse.ArgumentParser(description="Print `show version` of a JET device.")
    parser.add_argument("--address", default=env("JET_ADDRESS", "127.0.0.1:32767"),
                        help="host:port of the JET gRPC service (env JET_ADDRESS)")
    parser.add_argument("--user", default=env("JET_USER", "admin"),
                        help="login user (env JET_USER)")
    parser.add_argument("--ca", default=env("JET_CA"),
                        help="CA certificate that signed the device's certificate (env JET_CA); "
                             "omit for clear text")
    parser.add_argument("--server-name", default=env("JET_SERVER_NAME"),
                        help="name to check the server certificate against, e.g. localhost "
                             "(env JET_SERVER_NAME)")
    parser.add_argument("--client-id", default=env("JET_CLIENT_ID", "show-version-example"),
                        help="JET client id (env JET_CLIENT_ID)")
    args = parser.parse_args()

    password = env("JET_PASSWORD")
    if password is None:
        parser.error("set the password in the environment variable JET_PASSWORD")

    channel = openjet.connect(args.address, ca=args.ca, server_name=args.server_name)
    try:
        openjet.login(channel, args.user, password, client_id=args.client_id)
        print(openjet.op_command(channel, "show version", fmt="text"), end="")
    except openjet.LoginError as exc:
        print(f"login refused: {exc}", file=sys.stderr)
        return 2
    except openjet.JetError as exc:
        print(f"show version failed: {exc}", file=sys.stderr)
        return 1
    except grpc.RpcError as exc:
        print(f"gRPC error: {exc.code().name}: {exc.details()}", file=sys.stderr)
        return 1
    finally:
        channel.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
