#!/usr/bin/env python3
"""Turn Juniper's schema facts (../shared/spec/junos-schema) into jet-config's compact
binary schema, `crates/jet-config/src/schema/junos.bin`.

    gen_schema.py FACTS_DIR OUT.bin            write the schema
    gen_schema.py FACTS_DIR OUT.bin --check    exit 1 when OUT.bin is stale

The binary is read in place by `schema/blob.rs` (no parsing at start). Layout, all
integers little-endian u32 unless said otherwise:

    header   magic b"JETSCH03", then HEADER_FIELDS u32s (section offsets and counts)
    strings  each string is a u16 length and its UTF-8 bytes; a "strref" is the offset of
             the length; NONE (0xffffffff) means absent
    nodes    6 u32 per node: name, bits, kids offset, kids count, type, extra
             bits: kind (3 bits) | flags << 3 (13 bits) | choice << 16 | case << 24
    kids     u32 node indexes; a node's children are kids[off .. off + count]
    pool     u32 words holding types, node extras and RPC records (offsets into it)
    types    u32 pool offsets, one per type
    rpcs     u32 pool offsets, one per RPC, sorted by RPC name

Identical subtrees are stored once (`logical-systems NAME protocols` shares the nodes of
`protocols`), which keeps 181,028 statements in about two megabytes.

Overlay (`crates/jet-config/schema/overlay.txt`): `rename YANG-PATH CLI-WORD -- reason`
lines give CLI words that differ from the XML element name (`ieee-802.3ad` is typed
`802.3ad`); `keyword-keys LIST -- reason` lines name the lists of several keys whose every
key is typed after its name (`virtual-link neighbor-id A transit-area B`), `bare-keys LIST
-- reason` those whose every key is typed alone (`as-path-neighbors as-list L1`); `hand PATH -- reason` lines list statements modelled by hand that the facts
do not have (checked by a jet-config test, not used here).
"""

import gzip
import json
import os
import struct
import sys

MAGIC = b"JETSCH03"
NONE = 0xFFFFFFFF
KINDS = {"container": 0, "presence-container": 1, "list": 2, "leaf": 3, "leaf-list": 4}
FLAG_KIND = 5

F_MANDATORY = 1 << 0
F_NOKEYWORD = 1 << 1
F_ORDERED = 1 << 2
F_ONELINER = 1 << 3
F_APPLY = 1 << 4
F_DEPRECATED = 1 << 5
F_ONELINER_PLUS = 1 << 6
F_HOMOGENEOUS = 1 << 7
F_CHOICE_MANDATORY = 1 << 8
F_PLACEHOLDER = 1 << 9

BASES = [
    "string", "boolean", "empty", "enumeration", "int8", "int16", "int32", "int64",
    "uint8", "uint16", "uint32", "uint64", "decimal64", "union", "binary", "bits",
    "identityref", "leafref", "instance-identifier",
]

# Extra-record field bits, in the order their words follow the mask.
X_XML, X_KEYS, X_MIN, X_MAX, X_DEFAULT, X_UNITS, X_MUST, X_UNIQUE = (1 << i for i in range(8))
# Type-record field bits.
T_RANGE, T_LENGTH, T_PATTERN, T_POSIX, T_ENUM, T_FRACTION, T_MEMBERS = (1 << i for i in range(7))
# How a key of a list with several keys is typed (stored after its name and type):
# after its name (`transit-area 0.0.0.1`), alone (`192.0.2.1`), or as a Junos choice
# (`choice-ident`: one word of an enumeration, `exact`; `choice-value`: the word after
# it when the choice takes one, `upto /24`).
KEY_BARE, KEY_KEYWORD, KEY_CHOICE_IDENT, KEY_CHOICE_VALUE = 0, 1, 2, 3
# RPC input bits (in the per-input bits word).
I_FLAG, I_NOKEYWORD, I_MANDATORY = 1, 2, 4


TOP_ORDER = [
    "rcsid", "version", "groups", "apply-groups", "apply-macro", "system", "logical-systems",
    "chassis", "security", "services", "interfaces", "snmp", "forwarding-options",
    "event-options", "accounting-options", "routing-options", "protocols", "policy-options",
    "class-of-service", "firewall", "access", "access-profile", "applications",
    "routing-instances", "bridge-domains", "vlans", "switch-options",
]


class Writer:
    def __init__(self):
        self.strings = bytearray()
        self.string_index = {}
        self.pool = []
        self.types = []
        self.type_index = {}
        self.nodes = []
        self.node_index = {}
        self.kids = []
        self.kids_index = {}

    def s(self, text):
        if text is None:
            return NONE
        if text in self.string_index:
            return self.string_index[text]
        raw = text.encode("utf-8")
        if len(raw) > 0xFFFF:
            raise SystemExit(f"string too long: {text[:40]}...")
        off = len(self.strings)
        self.strings += struct.pack("<H", len(raw)) + raw
        self.string_index[text] = off
        return off

    def strs(self, items):
        return [len(items)] + [self.s(x) for x in items]

    def ty(self, t):
        if t is None:
            return NONE
        key = json.dumps(t, sort_keys=True)
        if key in self.type_index:
            return self.type_index[key]
        base = BASES.index(t["base"]) if t["base"] in BASES else 0
        flags = 1 if t.get("placeholder_ok") else 0
        mask = 0
        words = []
        if "range" in t:
            mask |= T_RANGE
            words.append(self.s(str(t["range"])))
        if "length" in t:
            mask |= T_LENGTH
            words.append(self.s(str(t["length"])))
        if "pattern" in t:
            mask |= T_PATTERN
            pats = t["pattern"] if isinstance(t["pattern"], list) else [t["pattern"]]
            words += self.strs(pats)
        if "posix_pattern" in t:
            mask |= T_POSIX
            words += self.strs(t["posix_pattern"])
        if "enum" in t:
            mask |= T_ENUM
            words += self.strs(t["enum"])
        if "fraction_digits" in t:
            mask |= T_FRACTION
            words.append(int(t["fraction_digits"]))
        if "members" in t:
            mask |= T_MEMBERS
            members = [self.ty(m) for m in t["members"]]
            words += [len(members)] + members
        off = len(self.pool)
        self.pool += [base | flags << 8, self.s(t.get("typedef")), mask] + words
        idx = len(self.types)
        self.types.append(off)
        self.type_index[key] = idx
        return idx

    def extra(self, fields):
        """fields: dict of X_* bit -> list of words. Returns a pool offset or NONE."""
        if not fields:
            return NONE
        mask = 0
        words = []
        for bit in sorted(fields):
            mask |= bit
            words += fields[bit]
        off = len(self.pool)
        self.pool += [mask] + words
        return off

    def kids_of(self, ids):
        key = tuple(ids)
        if not key:
            return 0
        if key in self.kids_index:
            return self.kids_index[key]
        off = len(self.kids)
        self.kids += key
        self.kids_index[key] = off
        return off

    def node(self, rec, extra_key):
        key = (tuple(rec[:5]), extra_key)
        if key in self.node_index:
            return self.node_index[key]
        idx = len(self.nodes)
        self.nodes.append(rec)
        self.node_index[key] = idx
        return idx


def key_forms(d, keyword_lists, bare_lists):
    """How each key of list `d` is typed. The facts do not say (key leaves have no lines
    of their own), so: a keyword-less list (`route-filter-list NAME { 10.0.0.0/8 exact; }`)
    types every key alone; `choice-ident`/`choice-value` are Junos choices; the first
    other key is typed alone after the list name and the rest after their names
    (`static-rvtep-mac mac 00:11:22:33:44:55 remote-vtep 192.0.2.1`, `track route
    10.0.0.0/8 routing-instance r1`), except the lists of `keyword-keys` overlay lines
    (every key after its name) and `bare-keys` lines (every key alone)."""
    keys = d["keys"]
    xml = d["yang"].rsplit("/", 1)[1]
    forms = []
    seen_plain = False
    for k in keys:
        if k == "choice-ident":
            forms.append(KEY_CHOICE_IDENT)
        elif k == "choice-value":
            forms.append(KEY_CHOICE_VALUE)
        elif d.get("nokeyword") or len(keys) == 1 or xml in bare_lists:
            forms.append(KEY_BARE)
        elif xml in keyword_lists:
            forms.append(KEY_KEYWORD)
        elif not seen_plain:
            forms.append(KEY_BARE)
        else:
            forms.append(KEY_KEYWORD)
        if k not in ("choice-ident", "choice-value"):
            seen_plain = True
    return forms


def read_overlay(path):
    renames = {}
    keyword_lists = set()
    bare_lists = set()
    if not os.path.exists(path):
        return renames, keyword_lists, bare_lists
    for raw in open(path, encoding="utf-8"):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        body, _, reason = line.partition(" -- ")
        if not reason.strip():
            raise SystemExit(f"overlay line without a reason: {raw.strip()}")
        words = body.split()
        if words[0] == "rename":
            renames[words[1]] = words[2]
        elif words[0] == "keyword-keys":
            keyword_lists.add(words[1])
        elif words[0] == "bare-keys":
            bare_lists.add(words[1])
    return renames, keyword_lists, bare_lists


def load_facts(facts_dir):
    entries = []
    rpcs = []
    for name in sorted(os.listdir(facts_dir)):
        if not name.endswith(".jsonl.gz"):
            continue
        with gzip.open(os.path.join(facts_dir, name), "rt", encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                (rpcs if name == "rpcs.jsonl.gz" else entries).append(d)
    return entries, rpcs


def build(facts_dir, overlay_path):
    entries, rpcs = load_facts(facts_dir)
    renames, keyword_lists, bare_lists = read_overlay(overlay_path)
    w = Writer()

    by_yang = {}
    kids = {"/configuration": []}
    for d in entries:
        y = d["yang"]
        by_yang[y] = d
        kids.setdefault(y, [])
        parent = y.rsplit("/", 1)[0]
        kids.setdefault(parent, []).append(y)

    def cli_name(d):
        xml = d["yang"].rsplit("/", 1)[1]
        if d["yang"] in renames:
            return renames[d["yang"]]
        if d["kind"] == "list" and d.get("nokeyword"):
            return xml
        words = [p for p in d["path"].split(" ") if not p.startswith("<")]
        return words[-1] if words else xml

    memo = {}

    def emit(y, extra_kids=()):
        if y in memo and not extra_kids:
            return memo[y]
        d = by_yang[y]
        child_ids = [emit(c) for c in kids.get(y, [])] + list(extra_kids)
        kind = KINDS[d["kind"]]
        t = d.get("type")
        if kind == 3 and t and t["base"] == "empty":
            kind = FLAG_KIND
        flags = 0
        if d.get("mandatory"):
            flags |= F_MANDATORY
        if d.get("nokeyword"):
            flags |= F_NOKEYWORD
        if d.get("ordered_by_user"):
            flags |= F_ORDERED
        feats = d.get("cli_features", [])
        if "oneliner" in feats:
            flags |= F_ONELINER
        if "oneliner-plus" in feats:
            flags |= F_ONELINER_PLUS
        if "homogeneous" in feats:
            flags |= F_HOMOGENEOUS
        if d.get("apply_advanced"):
            flags |= F_APPLY
        if d.get("status") in ("deprecated", "obsolete"):
            flags |= F_DEPRECATED
        if d.get("choice_mandatory"):
            flags |= F_CHOICE_MANDATORY
        fields = {}
        name = cli_name(d)
        xml = y.rsplit("/", 1)[1]
        if xml != name:
            fields[X_XML] = [w.s(xml)]
        ty = NONE
        if d["kind"] == "list":
            keys = d["keys"]
            types = [w.ty(d["key_types"].get(k, {"base": "string"})) for k in keys]
            ty = types[0]
            if len(keys) > 1 or keys[0] != "name":
                words = [len(keys)]
                for k, kt, form in zip(keys, types, key_forms(d, keyword_lists, bare_lists)):
                    words += [w.s(k), kt, form]
                fields[X_KEYS] = words
        elif t is not None and kind != FLAG_KIND:
            ty = w.ty(t)
        if "min_elements" in d:
            fields[X_MIN] = [int(d["min_elements"])]
        if "max_elements" in d:
            fields[X_MAX] = [int(d["max_elements"])]
        if "default" in d:
            fields[X_DEFAULT] = [w.s(str(d["default"]))]
        if "units" in d:
            fields[X_UNITS] = [w.s(str(d["units"]))]
        if d.get("must"):
            fields[X_MUST] = w.strs(d["must"])
        if d.get("unique"):
            u = d["unique"] if isinstance(d["unique"], list) else [d["unique"]]
            fields[X_UNIQUE] = w.strs([str(x) for x in u])
        bits = kind | flags << 3 | d.get("_choice", 0) << 16 | d.get("_case", 0) << 24
        rec = [w.s(name), bits, w.kids_of(child_ids), len(child_ids), ty]
        extra_key = json.dumps([[k, v] for k, v in sorted(fields.items())])
        rec.append(NONE)
        idx = w.node(rec, extra_key)
        if w.nodes[idx] is rec:
            rec[5] = w.extra(fields)
        if not extra_kids:
            memo[y] = idx
        return idx

    # Choices are numbered per parent after the fact: (choice, case) names -> small numbers.
    def number_choices(y):
        seen = {}
        for c in kids.get(y, []):
            d = by_yang[c]
            if "choice" in d:
                ch = seen.setdefault(d["choice"], {"n": 100 + len(seen), "cases": {}})
                ch["cases"].setdefault(d["case"], len(ch["cases"]) + 1)
                d["_choice"] = ch["n"]
                d["_case"] = ch["cases"][d["case"]]
            number_choices(c)

    number_choices("/configuration")
    # The facts come one file per hierarchy (alphabetical); Junos prints the top level
    # in its own order, which is this one for the hierarchies it names.
    rank = {n: i for i, n in enumerate(TOP_ORDER)}
    top = sorted(kids["/configuration"],
                 key=lambda y: (rank.get(y.rsplit("/", 1)[1], len(rank)), y))
    groups_y = "/configuration/groups"

    def emit_all():
        ids = []
        for y in top:
            if y == groups_y:
                continue
            ids.append(emit(y))
        mirror = [i for y, i in zip([t for t in top if t != groups_y], ids)
                  if by_yang[y]["kind"] == "container"]
        gid = emit(groups_y, extra_kids=mirror)
        root_ids = []
        for y in top:
            root_ids.append(gid if y == groups_y else memo[y])
        return root_ids

    root_ids = emit_all()
    root = w.node([w.s(""), 0, w.kids_of(root_ids), len(root_ids), NONE, NONE],
                  "root")

    rpc_offsets = []
    for r in sorted(rpcs, key=lambda r: r["rpc"]):
        inputs = r.get("input", [])
        words = [w.s(r["rpc"]), w.s(r.get("command")), 0 if r.get("status") in (None, "current") else 1,
                 len(inputs)]
        for i in inputs:
            bits = (I_FLAG if i.get("flag") else 0) | (I_NOKEYWORD if i.get("nokeyword") else 0) \
                | (I_MANDATORY if i.get("mandatory") else 0)
            words += [w.s(i["name"]), bits, w.ty(i.get("type"))]
        outs = r.get("output", [])
        words += w.strs(outs)
        rpc_offsets.append(len(w.pool))
        w.pool += words
    return w, root, rpc_offsets


def serialize(w, root, rpc_offsets):
    def u32s(xs):
        return struct.pack(f"<{len(xs)}I", *xs)

    nodes = bytearray()
    for rec in w.nodes:
        nodes += u32s(rec)
    sections = [bytes(w.strings), bytes(nodes), u32s(w.kids), u32s(w.pool), u32s(w.types),
                u32s(rpc_offsets)]
    header_len = len(MAGIC) + 4 * (2 * len(sections) + 1)
    offsets = []
    pos = header_len
    body = bytearray()
    for s in sections:
        pad = (-pos) % 4
        body += b"\0" * pad
        pos += pad
        offsets.append(pos)
        body += s
        pos += len(s)
    counts = [len(w.strings), len(w.nodes), len(w.kids), len(w.pool), len(w.types),
              len(rpc_offsets)]
    header = MAGIC + u32s([root] + [x for pair in zip(offsets, counts) for x in pair])
    assert len(header) == header_len
    return header + bytes(body)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    check = "--check" in sys.argv
    if len(args) != 2:
        raise SystemExit(__doc__)
    facts, out = args
    overlay = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "schema", "overlay.txt")
    w, root, rpcs = build(facts, overlay)
    data = serialize(w, root, rpcs)
    if check:
        old = open(out, "rb").read() if os.path.exists(out) else b""
        if old != data:
            print(f"{out} is stale: run {sys.argv[0]} {facts} {out}", file=sys.stderr)
            sys.exit(1)
        print(f"{out} is up to date ({len(data)} bytes)")
        return
    with open(out, "wb") as f:
        f.write(data)
    print(f"wrote {out}: {len(data)} bytes, {len(w.nodes)} nodes, {len(w.types)} types, "
          f"{len(rpcs)} rpcs")


if __name__ == "__main__":
    main()
