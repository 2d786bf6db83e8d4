#!/usr/bin/env python3
"""legacy2proto.py: write OpenJET's .proto files for the older JET API generation.

The older generation (packages `routing`, `interface`, `registration`, `jnxBase`, `bfd`,
Junos 17.x-21.x) is still served by Junos beside `jnx.jet.*`. Its wire facts (packages,
services, methods, streaming modes, message and field names, numbers, types, enum values)
are those of the `1/` folder of the crates.io package `juniper-jet` 0.1.0-alpha.1
(`protos/23.1/23.1R1.8/1/`). This tool compiles that folder with grpcio-tools' protoc,
reads only the resulting descriptors (the facts), and prints our own `.proto` files from
them with our own comments into `crates/jet-proto/proto/legacy/`. Juniper's text and
comments are not copied.

Differences from Juniper's file layout, on purpose:
- files live under `legacy/` and import each other as `legacy/<file>.proto`, so they can
  share one descriptor pool with the new generation (file names must be unique there);
- `legacy/jnx_base_types.proto` leaves out the `japi_version` extension of
  `google.protobuf.FileOptions` (number 50000): the new generation's
  `jnx_common_base_types.proto` extends the same option with the same number, and no
  legacy file sets the option, so nothing on the wire changes;
- gRIBI (`gribi_*.proto`, an OpenConfig API) is left out.

It also writes `src/catalog_legacy.rs`, the list of legacy services and methods.

    pip install grpcio-tools
    # from the repository root; JJ is the juniper-jet package directory
    python3 crates/jet-proto/tools/legacy2proto.py "$JJ/protos/23.1/23.1R1.8/1" crates/jet-proto
    cargo fmt -p jet-proto
    JET_PROTO_REGEN=1 cargo test -p jet-proto --test codegen_fresh

`check_legacy.py` compares the result with the `1/` folder again (0 mismatches).
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from google.protobuf import descriptor_pb2 as d

FDP = d.FieldDescriptorProto

# The files we write, in dependency order. Authentication and management of this
# generation are in proto/ already (written from the spec); they are checked, not written.
FILES = [
    "jnx_base_types.proto",
    "jnx_addr.proto",
    "prpd_common.proto",
    "prpd_service.proto",
    "flexible_tunnel_profile.proto",
    "flexible_tunnel_service.proto",
    "rib_service.proto",
    "bgp_route_service.proto",
    "routing_interface_service.proto",
    "dcd_service.proto",
    "registration_service.proto",
    "mpls_api_service.proto",
    "bfd_service.proto",
]
CHECKED_ONLY = ["authentication_service.proto", "management_service.proto"]

SCALAR = {
    FDP.TYPE_DOUBLE: "double", FDP.TYPE_FLOAT: "float", FDP.TYPE_INT64: "int64",
    FDP.TYPE_UINT64: "uint64", FDP.TYPE_INT32: "int32", FDP.TYPE_FIXED64: "fixed64",
    FDP.TYPE_FIXED32: "fixed32", FDP.TYPE_BOOL: "bool", FDP.TYPE_STRING: "string",
    FDP.TYPE_BYTES: "bytes", FDP.TYPE_UINT32: "uint32", FDP.TYPE_SFIXED32: "sfixed32",
    FDP.TYPE_SFIXED64: "sfixed64", FDP.TYPE_SINT32: "sint32", FDP.TYPE_SINT64: "sint64",
}

# Our descriptions, by fully-qualified name. Anything not listed gets a description made
# from its name and place.
FILE_NOTES = {
    "jnx_base_types.proto": "Status codes and small shared messages of the older generation.",
    "jnx_addr.proto": "Address, range and IP header vocabulary of the older generation.",
    "prpd_common.proto": "Routing vocabulary shared by the legacy routing services: "
                         "tables, prefixes, next-hop labels, protocols.",
    "prpd_service.proto": "routing.Base: purge time of client routes and route summaries.",
    "flexible_tunnel_profile.proto": "Flexible tunnel encapsulation profiles.",
    "flexible_tunnel_service.proto": "routing.FlexibleTunnel: programmed tunnel profiles.",
    "rib_service.proto": "routing.Rib: the programmable RIB of the older generation.",
    "bgp_route_service.proto": "routing.BgpRoute: BGP-static routes of the older generation.",
    "routing_interface_service.proto": "routing.RoutingInterface: interfaces as rpd sees them.",
    "dcd_service.proto": "interface.*: interface configuration and queries (dcd).",
    "registration_service.proto": "registration.Register: application registration.",
    "mpls_api_service.proto": "routing.MplsApi: LSP ping information (not served).",
    "bfd_service.proto": "bfd.BFD: BFD sessions (not served).",
}
NOTES = {
    "routing.Rib": "Programs and reads routes of the programmable RIB; a client's routes "
                   "are keyed by its client id.",
    "routing.Rib.RouteAdd": "Adds routes; an existing route of the same key is refused.",
    "routing.Rib.RouteModify": "Changes existing routes; a missing route is refused.",
    "routing.Rib.RouteUpdate": "Adds routes or replaces them when they exist.",
    "routing.Rib.RouteRemove": "Removes routes by key.",
    "routing.Rib.RouteRemoveMatching": "Removes the client's routes matching a key.",
    "routing.Rib.RouteGet": "Reads routes; the replies are streamed.",
    "routing.Rib.RouteMonitorRegister": "Streams changes of one table's routes.",
    "routing.Base": "Purge time of a disconnected client's routes, and route summaries.",
    "routing.BgpRoute": "BGP-static routes programmed by applications.",
    "routing.RoutingInterface": "Interface state and change notifications from rpd.",
    "routing.FlexibleTunnel": "Flexible tunnel profiles programmed by applications.",
    "routing.MplsApi": "LSP ping helpers; this device does not serve them.",
    "interface.InterfacesService": "Creates and deletes interface configuration objects.",
    "interface.AttrQueryService": "Reads interface attributes.",
    "interface.ObjectQueryService": "Tells whether the caller owns an interface object.",
    "interface.TimeoutService": "Sets how long a client's interface objects outlive it.",
    "interface.PublicIflService": "Tells whether a logical interface is a public one.",
    "registration.Register": "Registers an application's JSON-described API.",
    "bfd.BFD": "BFD sessions; this device does not serve them.",
    "routing.RouteEntry": "One route: key, next hop, protocol and attributes.",
    "routing.RouteMatchFields": "Identifies a route: destination prefix and table.",
    "routing.RouteTable": "A routing table, by name or by id.",
    "routing.NetworkAddress": "An IPv4, IPv6 or MPLS address.",
    "routing.RouteGateway": "One gateway of a route's next hop.",
    "routing.RouteOperStatus": "Result codes of the routing.Rib methods.",
    "routing.RouteOperReply": "Reply to a route change: result and routes done.",
    "routing.ReturnCode": "Result codes of the routing.Base methods.",
    "jnxBase.IpAddress": "An IP address as text or as network-order bytes.",
    "jnxBase.StatusCode": "Outcome of a call.",
    "jnxBase.RpcStatus": "Outcome of a call with a message.",
}


def note(full, kind, parent_pkg):
    if full in NOTES:
        return NOTES[full]
    name = full.rsplit(".", 1)[-1]
    return f"Legacy {kind} `{name}` ({parent_pkg})."


def compile_set(include_dir, files):
    """Compiles `files` (relative to include_dir) into one FileDescriptorSet."""
    import grpc_tools
    well_known = Path(grpc_tools.__file__).parent / "_proto"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "set.pb"
        cmd = [sys.executable, "-m", "grpc_tools.protoc", f"-I{include_dir}",
               f"-I{well_known}", "--include_imports", f"--descriptor_set_out={out}", *files]
        subprocess.run(cmd, check=True)
        fds = d.FileDescriptorSet()
        fds.ParseFromString(out.read_bytes())
        return fds


PACKAGE = [""]  # package of the file being printed


def short(type_name):
    """A fully-qualified type name as written in a file of PACKAGE: relative to it when it
    is the same package, else the package-qualified name. check_legacy.py proves that each
    resolves to the type the descriptor names."""
    own = f".{PACKAGE[0]}."
    return type_name[len(own):] if type_name.startswith(own) else type_name[1:]


def type_of(field):
    if field.type in (FDP.TYPE_MESSAGE, FDP.TYPE_ENUM):
        return short(field.type_name)
    return SCALAR[field.type]


class Printer:
    def __init__(self, fdp):
        self.f = fdp
        self.out = []

    def line(self, depth, text=""):
        self.out.append(("  " * depth + text).rstrip())

    def comment(self, depth, text):
        self.line(depth, f"// {text}")

    def enum(self, e, scope, depth):
        full = f"{scope}.{e.name}"
        self.comment(depth, note(full, "enum", self.f.package))
        self.line(depth, f"enum {e.name} {{")
        if e.options.allow_alias:
            self.line(depth + 1, "option allow_alias = true;")
        for v in e.value:
            self.line(depth + 1, f"{v.name} = {v.number};")
        self.line(depth, "}")

    def message(self, m, scope, depth):
        full = f"{scope}.{m.name}"
        maps = {f".{full}.{n.name}": n for n in m.nested_type if n.options.map_entry}
        self.comment(depth, note(full, "message", self.f.package))
        self.line(depth, f"message {m.name} {{")
        for e in m.enum_type:
            self.enum(e, full, depth + 1)
        for n in m.nested_type:
            if not n.options.map_entry:
                self.message(n, full, depth + 1)
        done_oneofs = set()
        for field in m.field:
            if field.HasField("oneof_index") and not field.proto3_optional:
                idx = field.oneof_index
                if idx in done_oneofs:
                    continue
                done_oneofs.add(idx)
                self.line(depth + 1, f"oneof {m.oneof_decl[idx].name} {{")
                for g in m.field:
                    if g.HasField("oneof_index") and g.oneof_index == idx:
                        self.line(depth + 2, f"{type_of(g)} {g.name} = {g.number};")
                self.line(depth + 1, "}")
                continue
            if field.type_name in maps:
                entry = maps[field.type_name]
                k, v = entry.field[0], entry.field[1]
                self.line(depth + 1, f"map<{type_of(k)}, {type_of(v)}> {field.name} = {field.number};")
                continue
            label = "repeated " if field.label == FDP.LABEL_REPEATED else ""
            label = "optional " if field.proto3_optional else label
            self.line(depth + 1, f"{label}{type_of(field)} {field.name} = {field.number};")
        for r in m.reserved_range:
            self.line(depth + 1, f"reserved {r.start} to {r.end - 1};")
        self.line(depth, "}")

    def service(self, s):
        full = f"{self.f.package}.{s.name}"
        self.comment(0, note(full, "service", self.f.package))
        self.line(0, f"service {s.name} {{")
        for m in s.method:
            mfull = f"{full}.{m.name}"
            if mfull in NOTES:
                self.comment(1, NOTES[mfull])
            cs = "stream " if m.client_streaming else ""
            ss = "stream " if m.server_streaming else ""
            self.line(1, f"rpc {m.name}({cs}{short(m.input_type)}) returns "
                         f"({ss}{short(m.output_type)}) {{}}")
        self.line(0, "}")

    def file(self):
        f = self.f
        PACKAGE[0] = f.package
        self.comment(0, f"legacy/{f.name}: {FILE_NOTES.get(f.name, '')}")
        self.comment(0, "")
        self.comment(0, "OpenJET's description of the older JET API generation, written by")
        self.comment(0, "crates/jet-proto/tools/legacy2proto.py from the wire facts of juniper-jet's")
        self.comment(0, "1/ folder; regenerate rather than editing by hand.")
        self.line(0)
        self.line(0, 'syntax = "proto3";')
        self.line(0)
        self.line(0, f"package {f.package};")
        imports = [i for i in f.dependency if i != "google/protobuf/descriptor.proto"]
        if imports:
            self.line(0)
            for i in imports:
                self.line(0, f'import "legacy/{i}";')
        scope = f.package
        for e in f.enum_type:
            self.line(0)
            self.enum(e, scope, 0)
        for m in f.message_type:
            self.line(0)
            self.message(m, scope, 0)
        for s in f.service:
            self.line(0)
            self.service(s)
        # Extensions (jnxBase.japi_version) are left out on purpose: see the module doc.
        return "\n".join(self.out) + "\n"


def rust_catalog(files):
    """`src/catalog_legacy.rs`: services and methods of the legacy folder."""
    out = [
        "//! Services and methods of the older JET API generation beyond Login and",
        "//! ManagementRpcApi (`proto/legacy/`). Written by `tools/legacy2proto.py`;",
        "//! `tests/contract/descriptor.rs` checks it against the descriptor set.",
        "",
        "use super::{RpcMethod, Streaming};",
        "",
        "/// Fully-qualified names of the services in `proto/legacy/`.",
        "pub const LEGACY_SERVICE_NAMES: &[&str] = &[",
    ]
    methods = []
    for f in files:
        for s in f.service:
            out.append(f'    "{f.package}.{s.name}",')
            for m in s.method:
                mode = {(False, False): "Unary", (False, True): "ServerStreaming",
                        (True, False): "ClientStreaming", (True, True): "BidiStreaming"}[
                    (m.client_streaming, m.server_streaming)]
                methods.append((f"/{f.package}.{s.name}/{m.name}", m.input_type[1:],
                                m.output_type[1:], mode))
    out.append("];")
    out.append("")
    out.append("/// Every method of the services in `proto/legacy/`, in file order.")
    out.append("pub const LEGACY_METHODS: &[RpcMethod] = &[")
    for path, req, resp, mode in methods:
        out.append("    RpcMethod {")
        out.append(f'        path: "{path}",')
        out.append(f'        request: "{req}",')
        out.append(f'        response: "{resp}",')
        out.append(f"        streaming: Streaming::{mode},")
        out.append("    },")
    out.append("];")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("juniper_dir", help="juniper-jet's protos/23.1/23.1R1.8/1 folder")
    ap.add_argument("crate_dir", help="crates/jet-proto")
    args = ap.parse_args()
    fds = compile_set(args.juniper_dir, FILES)
    by_name = {f.name: f for f in fds.file}
    out_dir = Path(args.crate_dir) / "proto" / "legacy"
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        (out_dir / name).write_text(Printer(by_name[name]).file())
    catalog = Path(args.crate_dir) / "src" / "catalog_legacy.rs"
    catalog.write_text(rust_catalog([by_name[n] for n in FILES]))
    print(f"wrote {len(FILES)} files to {out_dir} and {catalog}")


if __name__ == "__main__":
    main()
