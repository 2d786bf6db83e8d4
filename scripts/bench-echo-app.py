#!/usr/bin/env python3
"""The bench API of `jet-bench proxy` (`openjet.bench.v1.Echo/Say`: the request's bytes
answered unchanged) served the way a Python JET app serves its own API: grpcio's
synchronous server with a thread pool.

    scripts/bench-echo-app.py [--port N] [--workers N]

Prints `listening on 127.0.0.1:PORT` once it serves (port 0: a free one), then serves
until killed. For `jet-bench proxy --app 127.0.0.1:PORT`.
"""

import argparse
import sys
from concurrent import futures

import grpc


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--workers", type=int, default=16)
    args = ap.parse_args()
    # No (de)serializers: the handler gets and returns the message's bytes.
    handler = grpc.method_handlers_generic_handler(
        "openjet.bench.v1.Echo",
        {"Say": grpc.unary_unary_rpc_method_handler(lambda req, _ctx: req)},
    )
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=args.workers))
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port(f"127.0.0.1:{args.port}")
    if port == 0:
        print(f"cannot listen on 127.0.0.1:{args.port}", file=sys.stderr)
        return 1
    server.start()
    print(f"listening on 127.0.0.1:{port}", flush=True)
    server.wait_for_termination()
    return 0


if __name__ == "__main__":
    sys.exit(main())
