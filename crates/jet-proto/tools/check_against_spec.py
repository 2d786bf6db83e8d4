#!/usr/bin/env python3
"""check_against_spec.py: compare compiled .proto descriptors with the wire-contract tables.

Reads shared/spec/jet-wire-contract.md on its own (it does not share code with
spec2proto.py, so a parsing slip in one is caught by the other) and compares, in both
directions, every file (package, imports, syntax, japi_version/junos_release options,
extensions), message (nesting, every field's name, number, type, label, oneof and
type_name, map key/value types, reserved numbers and names), enum (allow_alias, every
value) and service method (input/output types, streaming flags) with the descriptors.
It also compares the method list with Appendix B. Exit status 0 means 0 mismatches.

Compile with grpcio-tools' bundled protoc and check (the usual way):

    pip install grpcio-tools
    # from the repository root
    python3 crates/jet-proto/tools/check_against_spec.py ../shared/spec/jet-wire-contract.md \
        --proto-dir crates/jet-proto/proto

or check descriptor sets made elsewhere (e.g. the checked-in protox output, which
leaves out the legacy jnx_base_types.proto on purpose):

    python3 crates/jet-proto/tools/check_against_spec.py ../shared/spec/jet-wire-contract.md \
        --descriptor crates/jet-proto/src/gen/jet_descriptor.bin --skip-file jnx_base_types.proto
"""

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from google.protobuf import descriptor_pb2 as d

FDP = d.FieldDescriptorProto
SCALAR_TYPES = {
    "double": FDP.TYPE_DOUBLE, "float": FDP.TYPE_FLOAT, "int32": FDP.TYPE_INT32,
    "int64": FDP.TYPE_INT64, "uint32": FDP.TYPE_UINT32, "uint64": FDP.TYPE_UINT64,
    "sint32": FDP.TYPE_SINT32, "sint64": FDP.TYPE_SINT64, "fixed32": FDP.TYPE_FIXED32,
    "fixed64": FDP.TYPE_FIXED64, "sfixed32": FDP.TYPE_SFIXED32,
    "sfixed64": FDP.TYPE_SFIXED64, "bool": FDP.TYPE_BOOL, "string": FDP.TYPE_STRING,
    "bytes": FDP.TYPE_BYTES,
}
PACKAGE_ROOTS = {"jnx", "google", "authentication", "management", "jnxBase"}
JAPI_VERSION, JUNOS_RELEASE = 50000, 50001


# ---------------------------------------------------------------- spec side

def cells_of(line):
    return [c.strip().replace("`", "").strip() for c in line.strip().split("|")[1:-1]]


class Spec:
    def __init__(self):
        self.files = {}       # name -> dict(package, syntax, imports, options)
        self.messages = {}    # full name -> dict(file, fields{}, reserved_numbers, reserved_names)
        self.enums = {}       # full name -> dict(file, values[], allow_alias)
        self.services = {}    # full name -> dict(file, methods{})
        self.extensions = {}  # (file, name) -> (extendee, number, type)
        self.appendix_b = {}  # path -> (input, output, streaming)


def resolve(type_name, package):
    first = type_name.split(".")[0]
    if first in PACKAGE_ROOTS and "." in type_name:
        return "." + type_name
    return f".{package}.{type_name}"


def parse_spec(path):
    spec = Spec()
    file = kind = elem = None
    appendix_b = False
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.rstrip()
        heading = re.match(r"^(#+) (.*)$", line)
        if heading:
            level, text = len(heading.group(1)), heading.group(2)
            kind = elem = None
            if level <= 2:
                file = None
                appendix_b = text.startswith("Appendix B")
                continue
            if file is None:
                continue
            pkg = spec.files[file]["package"]
            m = re.match(r"^Service `(\w+)`", text)
            if m:
                kind, elem = "service", f"{pkg}.{m.group(1)}"
                spec.services[elem] = {"file": file, "methods": {}}
                continue
            m = re.match(r"^(enum|message) `([\w.]+)`(.*)$", text)
            if m:
                kind, elem = m.group(1), f"{pkg}.{m.group(2)}"
                if kind == "enum":
                    spec.enums[elem] = {"file": file, "values": [],
                                        "allow_alias": "allow_alias = true" in m.group(3)}
                else:
                    spec.messages[elem] = {"file": file, "fields": {},
                                           "reserved_numbers": [], "reserved_names": []}
                continue
            if text.startswith("Extensions declared in"):
                kind = "extensions"
            continue

        m = re.match(r"^- \*\*(File|Syntax|Package|Imports|File options):\*\* (.*)$", line)
        if m:
            key, val = m.group(1), m.group(2).strip()
            if key == "File":
                file = val.strip("`")
                spec.files[file] = {"package": None, "syntax": None, "imports": [],
                                    "options": {}}
            elif key == "Syntax":
                spec.files[file]["syntax"] = val
            elif key == "Package":
                spec.files[file]["package"] = val.strip("`")
            elif key == "Imports" and val != "none":
                spec.files[file]["imports"] = [v.strip().strip("`") for v in val.split(",")]
            elif key == "File options" and val != "none":
                spec.files[file]["options"] = dict(re.findall(r'`(\w+) = "([^"]*)"`', val))
            continue

        if appendix_b and line.startswith("| `"):
            c = cells_of(line)
            inp, out = [s.strip() for s in c[1].split("→")]
            spec.appendix_b[c[0]] = ("." + inp, "." + out, c[2])
            continue
        if file is None or kind is None:
            continue
        pkg = spec.files[file]["package"]
        if line.startswith("Reserved:") and kind == "message":
            for part in line[len("Reserved:"):].strip().rstrip(".").split(";"):
                part = part.strip()
                if part.startswith("numbers"):
                    for item in part[len("numbers"):].split(","):
                        lo, _, hi = item.strip().partition(" to ")
                        spec.messages[elem]["reserved_numbers"].append(
                            (int(lo), int(hi) if hi else int(lo)))
                elif part.startswith("names"):
                    spec.messages[elem]["reserved_names"] += re.findall(r'"([^"]+)"', part)
            continue
        if not line.startswith("| `"):
            continue
        c = cells_of(line)
        if kind == "service":
            spec.services[elem]["methods"][c[0]] = (
                resolve(c[1], pkg), resolve(c[2], pkg), c[3].startswith("**yes") or c[3] == "yes",
                c[4].startswith("**yes") or c[4] == "yes")
        elif kind == "enum":
            spec.enums[elem]["values"].append((c[0], int(c[1])))
        elif kind == "message":
            name, number, typ, label = c[0], int(c[1]), c[2], c[3]
            spec.messages[elem]["fields"][name] = (number, typ, label, pkg)
        elif kind == "extensions":
            spec.extensions[(file, c[1])] = (resolve(c[0], pkg), int(c[2]), c[3])
    return spec


# ---------------------------------------------------------------- descriptor side

def read_varint(buf, i):
    shift = value = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, i


def string_extensions(options):
    """Decode string-valued extension fields (unknown to descriptor_pb2) of an options message."""
    buf, i, out = options.SerializeToString(), 0, {}
    while i < len(buf):
        key, i = read_varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            _, i = read_varint(buf, i)
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        elif wire == 2:
            length, i = read_varint(buf, i)
            out[number] = buf[i:i + length].decode("utf-8", "replace")
            i += length
        else:
            raise ValueError(f"unexpected wire type {wire} in options")
    return out


class Checker:
    def __init__(self, spec, files, skip_files):
        self.spec = spec
        self.files = {f.name: f for f in files if not f.name.startswith("google/protobuf/")}
        self.skip = set(skip_files)
        self.mismatches = []
        self.counts = {"files": 0, "messages": 0, "fields": 0, "enums": 0,
                       "enum_values": 0, "rpcs": 0, "reserved": 0, "file_options": 0,
                       "extensions": 0, "appendix_b": 0}
        # full names of every message/enum in every descriptor, for kind checks
        self.kinds = {}
        for f in files:
            prefix = f".{f.package}" if f.package else ""
            for m in f.message_type:
                self._index(m, prefix)
            for e in f.enum_type:
                self.kinds[f"{prefix}.{e.name}"] = "enum"

    def _index(self, msg, prefix):
        name = f"{prefix}.{msg.name}"
        self.kinds[name] = "message"
        for n in msg.nested_type:
            self._index(n, name)
        for e in msg.enum_type:
            self.kinds[f"{name}.{e.name}"] = "enum"

    def bad(self, where, text):
        self.mismatches.append(f"{where}: {text}")

    def eq(self, where, what, got, want):
        if got != want:
            self.bad(where, f"{what}: descriptor has {got!r}, spec says {want!r}")

    # -- files
    def check_files(self):
        want_files = {n for n in self.spec.files if n not in self.skip}
        for name in sorted(want_files - self.files.keys()):
            self.bad(name, "file in spec but not in descriptors")
        for name in sorted(self.files.keys() - set(self.spec.files)):
            self.bad(name, "file in descriptors but not in spec")
        for name in sorted(want_files & self.files.keys()):
            self.counts["files"] += 1
            f, s = self.files[name], self.spec.files[name]
            self.eq(name, "package", f.package, s["package"])
            self.eq(name, "syntax", f.syntax or "proto2", s["syntax"])
            self.eq(name, "imports", list(f.dependency), s["imports"])
            exts = string_extensions(f.options)
            got = {}
            if JAPI_VERSION in exts:
                got["japi_version"] = exts[JAPI_VERSION]
            if JUNOS_RELEASE in exts:
                got["junos_release"] = exts[JUNOS_RELEASE]
            self.eq(name, "file options", got, s["options"])
            self.counts["file_options"] += len(got)
            self.check_extensions(f)

    def check_extensions(self, f):
        got = {(f.name, e.name): (e.extendee, e.number, e.type) for e in f.extension}
        want = {k: v for k, v in self.spec.extensions.items() if k[0] == f.name}
        self.eq(f.name, "extension names", sorted(got), sorted(want))
        for key in sorted(got.keys() & want.keys()):
            self.counts["extensions"] += 1
            extendee, number, typ = want[key]
            self.eq(f"{f.name} extension {key[1]}", "extendee/number/type", got[key],
                    (extendee, number, SCALAR_TYPES[typ]))

    # -- messages
    def walk_messages(self):
        found = {}
        for f in self.files.values():
            if f.name in self.skip:
                continue
            for m in f.message_type:
                self._collect(f, m, f".{f.package}", found)
        want = {"." + k: v for k, v in self.spec.messages.items() if v["file"] not in self.skip}
        for name in sorted(want.keys() - found.keys()):
            self.bad(name, "message in spec but not in descriptors")
        for name in sorted(found.keys() - want.keys()):
            self.bad(name, "message in descriptors but not in spec")
        for name in sorted(want.keys() & found.keys()):
            f, m = found[name]
            self.eq(name, "file", f.name, want[name]["file"])
            self.check_message(name, m, want[name])

    def _collect(self, f, m, prefix, found):
        name = f"{prefix}.{m.name}"
        if m.options.map_entry:
            return
        found[name] = (f, m)
        for n in m.nested_type:
            self._collect(f, n, name, found)

    def check_message(self, name, m, want):
        self.counts["messages"] += 1
        entries = {f"{name}.{n.name}": n for n in m.nested_type if n.options.map_entry}
        got_fields = {fd.name: fd for fd in m.field}
        self.eq(name, "field names", sorted(got_fields), sorted(want["fields"]))
        for fname in sorted(got_fields.keys() & want["fields"].keys()):
            self.counts["fields"] += 1
            self.check_field(f"{name}.{fname}", m, got_fields[fname], want["fields"][fname],
                             entries)
        used_entries = {fd.type_name for fd in m.field if fd.type_name in entries}
        for extra in sorted(entries.keys() - used_entries):
            self.bad(name, f"map entry {extra} not used by any field")
        got_ranges = [(r.start, r.end - 1) for r in m.reserved_range]
        self.eq(name, "reserved numbers", got_ranges, want["reserved_numbers"])
        self.eq(name, "reserved names", list(m.reserved_name), want["reserved_names"])
        self.counts["reserved"] += len(got_ranges) + len(m.reserved_name)
        if m.extension_range or m.extension:
            self.bad(name, "unexpected extensions")
        used_oneofs = {fd.oneof_index for fd in m.field if fd.HasField("oneof_index")}
        if used_oneofs != set(range(len(m.oneof_decl))):
            self.bad(name, "oneof declared without members (or proto3 optional synthetic oneof)")

    def check_field(self, where, m, fd, want, entries):
        number, typ, label, pkg = want
        self.eq(where, "number", fd.number, number)
        if fd.proto3_optional:
            self.bad(where, "proto3 optional is not used by the contract")
        if fd.HasField("options"):
            self.bad(where, f"unexpected field options {fd.options}")
        if fd.HasField("default_value"):
            self.bad(where, "unexpected default value")
        oneof = m.oneof_decl[fd.oneof_index].name if fd.HasField("oneof_index") else None
        if label == "—":
            self.eq(where, "label", fd.label, FDP.LABEL_OPTIONAL)
            self.eq(where, "oneof", oneof, None)
        elif label == "repeated":
            self.eq(where, "label", fd.label, FDP.LABEL_REPEATED)
            self.eq(where, "oneof", oneof, None)
            if fd.type_name in entries:
                self.bad(where, "repeated field is a map in the descriptor")
        elif label.startswith("oneof "):
            self.eq(where, "label", fd.label, FDP.LABEL_OPTIONAL)
            self.eq(where, "oneof", oneof, label[len("oneof "):].strip())
        elif label == "map":
            self.eq(where, "label", fd.label, FDP.LABEL_REPEATED)
            self.eq(where, "oneof", oneof, None)
            mm = re.fullmatch(r"map<\s*(\w+)\s*,\s*([\w.]+)\s*>", typ)
            if not mm:
                self.bad(where, f"spec says map but type is {typ!r}")
                return
            entry = entries.get(fd.type_name)
            if entry is None:
                self.bad(where, f"map field's type {fd.type_name} is not a map entry")
                return
            camel = "".join(p.capitalize() for p in fd.name.split("_")) + "Entry"
            self.eq(where, "map entry name", entry.name, camel)
            key = {f.name: f for f in entry.field}
            self.eq(where, "map entry fields", sorted((f.name, f.number) for f in entry.field),
                    [("key", 1), ("value", 2)])
            if "key" in key and "value" in key:
                self.check_type(where + " (map key)", key["key"], mm.group(1), pkg)
                self.check_type(where + " (map value)", key["value"], mm.group(2), pkg)
            return
        else:
            self.bad(where, f"unknown label {label!r} in spec")
            return
        self.check_type(where, fd, typ, pkg)

    def check_type(self, where, fd, typ, pkg):
        is_enum = typ.endswith("(enum)")
        base = typ.replace("(enum)", "").strip()
        if base in SCALAR_TYPES:
            self.eq(where, "type", FDP.Type.Name(fd.type), FDP.Type.Name(SCALAR_TYPES[base]))
            self.eq(where, "type_name", fd.type_name, "")
            return
        want_name = resolve(base, pkg)
        self.eq(where, "type", FDP.Type.Name(fd.type), "TYPE_ENUM" if is_enum else "TYPE_MESSAGE")
        self.eq(where, "type_name", fd.type_name, want_name)
        kind = self.kinds.get(want_name)
        if kind != ("enum" if is_enum else "message"):
            self.bad(where, f"{want_name} is {kind or 'undefined'} in the descriptors")

    # -- enums
    def walk_enums(self):
        found = {}
        for f in self.files.values():
            if f.name in self.skip:
                continue
            for e in f.enum_type:
                found[f".{f.package}.{e.name}"] = (f, e)
            for m in f.message_type:
                self._collect_enums(f, m, f".{f.package}", found)
        want = {"." + k: v for k, v in self.spec.enums.items() if v["file"] not in self.skip}
        for name in sorted(want.keys() - found.keys()):
            self.bad(name, "enum in spec but not in descriptors")
        for name in sorted(found.keys() - want.keys()):
            self.bad(name, "enum in descriptors but not in spec")
        for name in sorted(want.keys() & found.keys()):
            f, e = found[name]
            w = want[name]
            self.counts["enums"] += 1
            self.eq(name, "file", f.name, w["file"])
            self.eq(name, "allow_alias", e.options.allow_alias, w["allow_alias"])
            got = [(v.name, v.number) for v in e.value]
            self.eq(name, "values", sorted(got), sorted(w["values"]))
            self.counts["enum_values"] += len(set(got) & set(w["values"]))
            if e.reserved_range or e.reserved_name:
                self.bad(name, "unexpected reserved values")

    def _collect_enums(self, f, m, prefix, found):
        name = f"{prefix}.{m.name}"
        for e in m.enum_type:
            found[f"{name}.{e.name}"] = (f, e)
        for n in m.nested_type:
            self._collect_enums(f, n, name, found)

    # -- services
    def walk_services(self):
        found = {}
        for f in self.files.values():
            if f.name in self.skip:
                continue
            for s in f.service:
                found[f"{f.package}.{s.name}"] = (f, s)
        want = {k: v for k, v in self.spec.services.items() if v["file"] not in self.skip}
        for name in sorted(want.keys() - found.keys()):
            self.bad(name, "service in spec but not in descriptors")
        for name in sorted(found.keys() - want.keys()):
            self.bad(name, "service in descriptors but not in spec")
        paths = {}
        for name in sorted(want.keys() & found.keys()):
            f, s = found[name]
            self.eq(name, "file", f.name, want[name]["file"])
            got = {m.name: (m.input_type, m.output_type, m.client_streaming,
                            m.server_streaming) for m in s.method}
            self.eq(name, "methods", sorted(got), sorted(want[name]["methods"]))
            for mname in sorted(got.keys() & want[name]["methods"].keys()):
                self.counts["rpcs"] += 1
                self.eq(f"{name}/{mname}", "input, output, client/server streaming",
                        got[mname], want[name]["methods"][mname])
            for mname, (inp, out, cs, ss) in got.items():
                mode = "bidi" if cs and ss else "client" if cs else "server" if ss else "unary"
                paths[f"/{name}/{mname}"] = (inp, out, mode)
        # Appendix B
        b = {k: v for k, v in self.spec.appendix_b.items()
             if k.split("/")[1] in want}
        for p in sorted(b.keys() - paths.keys()):
            self.bad(p, "Appendix B path missing from descriptors")
        for p in sorted(paths.keys() - b.keys()):
            self.bad(p, "method path not listed in Appendix B")
        for p in sorted(b.keys() & paths.keys()):
            self.counts["appendix_b"] += 1
            self.eq(p, "Appendix B request/response/streaming", paths[p], b[p])

    def run(self):
        self.check_files()
        self.walk_messages()
        self.walk_enums()
        self.walk_services()
        return self.mismatches


def load_sets(paths):
    files = []
    for p in paths:
        fds = d.FileDescriptorSet()
        fds.ParseFromString(Path(p).read_bytes())
        files.extend(fds.file)
    return files


def compile_protos(proto_dir, out_dir):
    """Compile with grpcio-tools' protoc: the legacy jnx_base_types.proto on its own, since
    it reuses FileOptions extension number 50000."""
    proto_dir = Path(proto_dir)
    names = sorted(p.name for p in proto_dir.glob("*.proto"))
    groups = {"main": [n for n in names if n != "jnx_base_types.proto"],
              "legacy_base": [n for n in names if n == "jnx_base_types.proto"]}
    outs = []
    for group, members in groups.items():
        if not members:
            continue
        out = Path(out_dir) / f"{group}.pb"
        subprocess.run([sys.executable, "-m", "grpc_tools.protoc", f"-I{proto_dir}",
                        "--include_imports", f"--descriptor_set_out={out}", *members],
                       check=True)
        outs.append(out)
    return outs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("spec")
    ap.add_argument("--proto-dir", help="compile these .proto files with grpc_tools.protoc")
    ap.add_argument("--descriptor", action="append", default=[],
                    help="an encoded FileDescriptorSet to check (repeatable)")
    ap.add_argument("--skip-file", action="append", default=[],
                    help="spec file expected to be absent from the descriptors")
    args = ap.parse_args()

    spec = parse_spec(args.spec)
    with tempfile.TemporaryDirectory() as tmp:
        sets = list(args.descriptor)
        if args.proto_dir:
            sets += compile_protos(args.proto_dir, tmp)
        if not sets:
            ap.error("give --proto-dir or --descriptor")
        checker = Checker(spec, load_sets(sets), args.skip_file)
        mismatches = checker.run()

    spec_fields = sum(len(m["fields"]) for m in spec.messages.values())
    spec_values = sum(len(e["values"]) for e in spec.enums.values())
    spec_rpcs = sum(len(s["methods"]) for s in spec.services.values())
    print(f"spec: {len(spec.files)} files, {len(spec.messages)} messages, {spec_fields} fields, "
          f"{len(spec.enums)} enums, {spec_values} enum values, {spec_rpcs} RPCs, "
          f"{len(spec.appendix_b)} Appendix B paths")
    c = checker.counts
    print(f"compared: {c['files']} files ({c['file_options']} file options, "
          f"{c['extensions']} extensions), {c['messages']} messages, {c['fields']} fields, "
          f"{c['reserved']} reserved entries, {c['enums']} enums, {c['enum_values']} enum values, "
          f"{c['rpcs']} RPCs, {c['appendix_b']} Appendix B paths")
    for line in mismatches:
        print("MISMATCH", line)
    print(f"{len(mismatches)} mismatches")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
