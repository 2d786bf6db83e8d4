"""setuptools hook: generate openjet/_gen from the repository's protos.

All metadata lives in pyproject.toml. The stubs are generated whenever setuptools runs
(metadata, wheel, editable install), from ../crates/jet-proto/proto or
$OPENJET_PROTO_DIR; an unpacked sdist without that folder uses the stubs it carries.
"""

import sys
from pathlib import Path

from setuptools import setup

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from openjet import gen  # noqa: E402

if gen.default_proto_dir().is_dir():
    gen.generate()
elif not (HERE / "openjet" / "_gen" / "__init__.py").exists():
    raise SystemExit(f"openjet: no protos at {gen.default_proto_dir()} and no generated stubs")

setup()
