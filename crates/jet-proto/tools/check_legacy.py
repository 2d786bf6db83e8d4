#!/usr/bin/env python3
"""check_legacy.py: compare our older-generation .proto files with juniper-jet's `1/` folder.

Compiles both sides with grpcio-tools' protoc and compares, in both directions, every
file's package, every message (nesting, each field's name, number, label, type,
type_name, oneof, proto3 optional; map entries), every enum (allow_alias, every value) and
every service method (input/output types, streaming flags). Exit status 0 means 0
mismatches.

Our side: `proto/legacy/*.proto` plus `proto/authentication_service.proto` and
`proto/management_service.proto` (the legacy Login and ManagementRpcApi, written from the
spec). Juniper's side: the same files of the `1/` folder. gRIBI is not compared (we do
not define it). The one documented difference: Juniper's `jnx_base_types.proto` extends
`google.protobuf.FileOptions` with `japi_version` (50000), ours does not (it would clash
with the new generation's extension of the same number in one descriptor pool).

    python3 crates/jet-proto/tools/check_legacy.py "$JJ/protos/23.1/23.1R1.8/1" \
        --proto-dir crates/jet-proto/proto
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from legacy2proto import CHECKED_ONLY, FILES, compile_set  # noqa: E402


def flatten(fds, file_name_of):
    """full name -> description, for every message, enum and service of the set."""
    out = {}

    def enum(e, scope, fname):
        out[f"enum {scope}.{e.name}"] = (fname, e.options.allow_alias,
                                        tuple((v.name, v.number) for v in e.value))

    def message(m, scope, fname):
        full = f"{scope}.{m.name}"
        fields = []
        for f in m.field:
            oneof = m.oneof_decl[f.oneof_index].name if f.HasField("oneof_index") else None
            fields.append((f.name, f.number, f.label, f.type, f.type_name, oneof,
                           f.proto3_optional))
        out[f"message {full}"] = (fname, m.options.map_entry, tuple(fields),
                                  tuple((r.start, r.end) for r in m.reserved_range))
        for e in m.enum_type:
            enum(e, full, fname)
        for n in m.nested_type:
            message(n, full, fname)

    for f in fds.file:
        if f.name.startswith("google/"):
            continue
        fname = file_name_of(f.name)
        out[f"file {fname}"] = (f.package, f.syntax)
        for e in f.enum_type:
            enum(e, f.package, fname)
        for m in f.message_type:
            message(m, f.package, fname)
        for s in f.service:
            methods = tuple((m.name, m.input_type, m.output_type, m.client_streaming,
                             m.server_streaming) for m in s.method)
            out[f"service {f.package}.{s.name}"] = (fname, methods)
        for x in f.extension:
            out[f"extension {f.package}.{x.name}"] = (fname, x.extendee, x.number)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("juniper_dir", help="juniper-jet's protos/23.1/23.1R1.8/1 folder")
    ap.add_argument("--proto-dir", required=True, help="crates/jet-proto/proto")
    args = ap.parse_args()

    theirs = flatten(compile_set(args.juniper_dir, FILES + CHECKED_ONLY), lambda n: n)
    ours = flatten(compile_set(args.proto_dir,
                               [f"legacy/{n}" for n in FILES] + CHECKED_ONLY),
                   lambda n: n.removeprefix("legacy/"))
    expected_missing = {"extension jnxBase.japi_version"}

    mismatches = 0
    for key in sorted(set(theirs) | set(ours)):
        if key in expected_missing and key not in ours:
            continue
        if key not in ours:
            print(f"missing from ours: {key}")
        elif key not in theirs:
            print(f"not in juniper-jet 1/: {key}")
        elif ours[key] != theirs[key]:
            print(f"differs: {key}\n  ours:   {ours[key]}\n  theirs: {theirs[key]}")
        else:
            continue
        mismatches += 1
    counts = {}
    for key in theirs:
        kind = key.split(" ", 1)[0]
        counts[kind] = counts.get(kind, 0) + 1
    summary = ", ".join(f"{n} {k}s" for k, n in sorted(counts.items()))
    print(f"compared {summary}: {mismatches} mismatches")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
