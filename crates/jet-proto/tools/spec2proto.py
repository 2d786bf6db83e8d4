#!/usr/bin/env python3
"""spec2proto.py: write OpenJET's .proto files from the JET wire-contract tables.

The wire contract (shared/spec/jet-wire-contract.md) describes every file as a block
(`- **File:**`, `- **Package:**`, `- **Imports:**`, `- **File options:**`) followed by
one markdown table per service, enum and message, plus `Reserved:` lines. This script
reads those tables and emits one `.proto` per file, with comments taken from the
spec's own descriptions (our team's paraphrase, not Juniper's text).

    # from the repository root
    python3 crates/jet-proto/tools/spec2proto.py ../shared/spec/jet-wire-contract.md \
        crates/jet-proto/proto

The output is checked in under crates/jet-proto/proto/ and verified against the spec by
tools/check_against_spec.py; regenerate it whenever the spec changes.
"""

import re
import sys
import textwrap
from pathlib import Path

SCALARS = {
    "double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64",
    "fixed32", "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes",
}
NOT_IN_23_1 = "**[not in 23.1]**"
WRAP = 92


def strip_ticks(cell):
    return cell.strip().replace("`", "").strip()


def table_cells(line):
    cells = line.strip().split("|")
    return [c.strip() for c in cells[1:-1]]


class Element:
    """A service, enum or message as the spec lists it."""

    def __init__(self, kind, name, level):
        self.kind = kind  # "service" | "enum" | "message" | "extensions"
        self.name = name  # dotted relative name for nested elements: Outer.Inner
        self.level = level
        self.desc = []
        self.rows = []
        self.reserved_numbers = []
        self.reserved_names = []
        self.allow_alias = False
        self.not_in_23_1 = False
        self.children = []


class ProtoFile:
    def __init__(self, name, title):
        self.name = name
        self.title = title
        self.syntax = "proto3"
        self.package = ""
        self.imports = []
        self.options = []  # [(name, value)]
        self.elements = []  # in spec order


def parse_reserved(text):
    """`Reserved: numbers 2; names "sub_code".` -> ([2], ["sub_code"])."""
    numbers, names = [], []
    body = text[len("Reserved:"):].strip().rstrip(".")
    for part in body.split(";"):
        part = part.strip()
        if part.startswith("numbers"):
            for item in part[len("numbers"):].split(","):
                item = item.strip()
                m = re.fullmatch(r"(\d+)\s*(?:-|–|to)\s*(\d+|max)", item)
                if m:
                    numbers.append((int(m.group(1)), m.group(2)))
                elif item:
                    numbers.append((int(item), None))
        elif part.startswith("names"):
            names.extend(re.findall(r'"([^"]+)"', part))
        elif part:
            raise ValueError(f"cannot read reserved clause: {text!r}")
    return numbers, names


def parse_spec(text):
    files = []
    cur_file = None
    cur_el = None
    section_title = ""
    in_rules = False
    for raw in text.splitlines():
        line = raw.rstrip()
        m = re.match(r"^(#{1,6}) (.*)$", line)
        if m:
            level = len(m.group(1))
            head = m.group(2)
            in_rules = False
            if level <= 2:
                cur_file, cur_el = None, None
                section_title = re.sub(r"^[\dA-Z]+(\.\d+)?\.\s*", "", head)
                continue
            if cur_file is None:
                continue
            ms = re.match(r"^Service `(\w+)`", head)
            me = re.match(r"^(enum|message) `([\w.]+)`(.*)$", head)
            if ms:
                cur_el = Element("service", ms.group(1), level)
                cur_file.elements.append(cur_el)
            elif me:
                cur_el = Element(me.group(1), me.group(2), level)
                cur_el.allow_alias = "allow_alias = true" in me.group(3)
                cur_file.elements.append(cur_el)
            elif head.startswith("Extensions declared in"):
                cur_el = Element("extensions", "", level)
                cur_file.elements.append(cur_el)
            else:  # "Top-level enums", "Messages": section markers only
                cur_el = None
            continue

        mf = re.match(r"^- \*\*(File|Syntax|Package|Imports|File options):\*\* (.*)$", line)
        if mf:
            key, val = mf.groups()
            if key == "File":
                cur_file = ProtoFile(strip_ticks(val), section_title)
                files.append(cur_file)
                cur_el = None
            elif cur_file is None:
                raise ValueError(f"{key} line outside a file block: {line!r}")
            elif key == "Syntax":
                cur_file.syntax = val.strip()
            elif key == "Package":
                cur_file.package = strip_ticks(val)
            elif key == "Imports":
                if val.strip() != "none":
                    cur_file.imports = [strip_ticks(v) for v in val.split(",")]
            elif key == "File options":
                if val.strip() != "none":
                    for opt in re.findall(r'`(\w+) = "([^"]*)"`', val):
                        cur_file.options.append(opt)
            continue

        if cur_file is None or cur_el is None:
            continue
        if line.startswith("**Rules"):
            in_rules = True
            continue
        if in_rules:
            continue
        if line.startswith("|"):
            cells = table_cells(line)
            if not cells or set(cells[0]) <= set("-: ") or not cells[0].startswith("`"):
                continue  # header or separator row
            cur_el.rows.append(cells)
            continue
        if line.startswith("Reserved:"):
            nums, names = parse_reserved(line)
            cur_el.reserved_numbers += nums
            cur_el.reserved_names += names
            continue
        if line.startswith("**Not present in 23.1R1"):
            cur_el.not_in_23_1 = True
            continue
        if line.startswith("*Empty message") or line.startswith("---") or not line.strip():
            continue
        if not cur_el.rows:
            cur_el.desc.append(line.strip())
    return files


def doc_safe(text):
    """Quote XML snippets as code: the comments become rustdoc, where `<tag/>` is HTML."""
    return re.sub(r'"(<[A-Za-z][^"]*>)"', r"`\1`", text)


def meaning(cell):
    text = doc_safe(cell.strip())
    flagged = NOT_IN_23_1 in text
    text = text.replace(NOT_IN_23_1, "").strip()
    if flagged:
        text += " (Added after Junos 23.1R1.)"
    return text


def comment(text, indent):
    if not text:
        return []
    prefix = " " * indent + "// "
    out = []
    for para in text.split("\n"):
        out += textwrap.wrap(para, width=WRAP - len(prefix), break_on_hyphens=False) or [""]
    return [(prefix + l).rstrip() for l in out]


def field_type(cell):
    t = strip_ticks(cell)
    return t.replace(" (enum)", "").strip()


def emit_enum(el, indent):
    pad = " " * indent
    lines = comment(" ".join(el.desc), indent)
    lines.append(f"{pad}enum {el.name.split('.')[-1]} {{")
    if el.allow_alias:
        lines.append(f"{pad}  option allow_alias = true;")
    for cells in el.rows:
        name, number, mean = strip_ticks(cells[0]), cells[1].strip(), meaning(cells[2])
        lines += comment(mean, indent + 2)
        lines.append(f"{pad}  {name} = {int(number)};")
    lines.append(f"{pad}}}")
    return lines


def emit_reserved(el, pad):
    out = []
    if el.reserved_numbers:
        items = []
        for lo, hi in el.reserved_numbers:
            items.append(str(lo) if hi is None else f"{lo} to {hi}")
        out.append(f"{pad}reserved {', '.join(items)};")
    if el.reserved_names:
        out.append(f"{pad}reserved {', '.join(chr(34) + n + chr(34) for n in el.reserved_names)};")
    return out


def emit_message(el, indent):
    pad = " " * indent
    desc = " ".join(el.desc)
    if el.not_in_23_1:
        desc += " (Added after Junos 23.1R1.)"
    lines = comment(desc, indent)
    lines.append(f"{pad}message {el.name.split('.')[-1]} {{")
    body = []
    emitted_oneofs = set()
    for i, cells in enumerate(el.rows):
        name, number, typ, label = (strip_ticks(cells[0]), int(cells[1]), field_type(cells[2]),
                                    strip_ticks(cells[3]))
        if label.startswith("oneof "):
            oneof = label[len("oneof "):].strip()
            if oneof in emitted_oneofs:
                continue
            emitted_oneofs.add(oneof)
            body.append(f"{pad}  oneof {oneof} {{")
            for c in el.rows[i:]:
                if strip_ticks(c[3]) == label:
                    body += comment(meaning(c[4]), indent + 4)
                    body.append(f"{pad}    {field_type(c[2])} {strip_ticks(c[0])} = {int(c[1])};")
            body.append(f"{pad}  }}")
            continue
        body += comment(meaning(cells[4]), indent + 2)
        if label == "—":
            body.append(f"{pad}  {typ} {name} = {number};")
        elif label == "repeated":
            body.append(f"{pad}  repeated {typ} {name} = {number};")
        elif label == "map":
            if not typ.startswith("map<"):
                raise ValueError(f"{el.name}.{name}: map label without map<> type")
            body.append(f"{pad}  {typ} {name} = {number};")
        else:
            raise ValueError(f"{el.name}.{name}: unknown label {label!r}")
    body += emit_reserved(el, pad + "  ")
    for child in el.children:
        body.append("")
        if child.kind == "enum":
            body += emit_enum(child, indent + 2)
        else:
            body += emit_message(child, indent + 2)
    if body and body[0] == "":
        body = body[1:]
    lines += body
    lines.append(f"{pad}}}")
    return lines


def emit_service(el):
    lines = comment(" ".join(el.desc), 0)
    lines.append(f"service {el.name} {{")
    for cells in el.rows:
        rpc, req, resp = strip_ticks(cells[0]), strip_ticks(cells[1]), strip_ticks(cells[2])
        cstream = "stream " if "yes" in cells[3] else ""
        sstream = "stream " if "yes" in cells[4] else ""
        lines += comment(meaning(cells[5]), 2)
        lines.append(f"  rpc {rpc}({cstream}{req}) returns ({sstream}{resp}) {{}}")
    lines.append("}")
    return lines


def emit_extensions(el):
    by_extendee = {}
    for cells in el.rows:
        by_extendee.setdefault(strip_ticks(cells[0]), []).append(cells)
    lines = []
    for extendee, rows in by_extendee.items():
        lines.append(f"extend {extendee} {{")
        for cells in rows:
            lines += comment(meaning(cells[4]), 2)
            lines.append(f"  {strip_ticks(cells[3])} {strip_ticks(cells[1])} = {int(cells[2])};")
        lines.append("}")
    return lines


def option_package(pf, files_by_name):
    """Package that declares the japi_version/junos_release extensions this file uses."""
    for f in [pf] + [files_by_name[i] for i in pf.imports if i in files_by_name]:
        for el in f.elements:
            if el.kind == "extensions":
                return f.package
    raise ValueError(f"{pf.name}: file options set but no import declares them")


def render(pf, files_by_name):
    # Attach nested elements to their parents.
    top = []
    by_name = {}
    for el in pf.elements:
        if el.kind in ("enum", "message"):
            by_name[el.name] = el
            parent = el.name.rpartition(".")[0]
            if parent:
                by_name[parent].children.append(el)
                continue
        top.append(el)

    out = [
        f"// {pf.name}: {pf.title}.",
        "//",
        "// OpenJET's description of the JET wire contract. Generated by",
        "// crates/jet-proto/tools/spec2proto.py from shared/spec/jet-wire-contract.md;",
        "// change the spec (or the generator) and regenerate rather than editing by hand.",
        "",
        f'syntax = "{pf.syntax}";',
        "",
        f"package {pf.package};",
    ]
    if pf.imports:
        out.append("")
        out += [f'import "{i}";' for i in pf.imports]
    if pf.options:
        pkg = option_package(pf, files_by_name)
        out.append("")
        out += [f'option ({pkg}.{k}) = "{v}";' for k, v in pf.options]
    for el in top:
        out.append("")
        if el.kind == "service":
            out += emit_service(el)
        elif el.kind == "enum":
            out += emit_enum(el, 0)
        elif el.kind == "message":
            out += emit_message(el, 0)
        elif el.kind == "extensions":
            out += emit_extensions(el)
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) != 3:
        sys.exit(f"usage: {argv[0]} SPEC.md OUT_DIR")
    spec, out_dir = Path(argv[1]), Path(argv[2])
    files = parse_spec(spec.read_text(encoding="utf-8"))
    files_by_name = {f.name: f for f in files}
    out_dir.mkdir(parents=True, exist_ok=True)
    for pf in files:
        (out_dir / pf.name).write_text(render(pf, files_by_name), encoding="utf-8")
        print(f"wrote {out_dir / pf.name}")


if __name__ == "__main__":
    main(sys.argv)
