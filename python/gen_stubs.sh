#!/usr/bin/env bash
# Generate the Python gRPC stubs (python/openjet/_gen) from crates/jet-proto/proto.
# Usage: python/gen_stubs.sh [--proto-dir DIR] [--out-dir DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="${PYTHON:-python3}"
cd "$here"
exec "$PYTHON" -m openjet.gen "$@"
