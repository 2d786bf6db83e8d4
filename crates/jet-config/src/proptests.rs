//! Property tests over random configurations generated from the schema itself, so new
//! statements are covered as soon as they are added to the schema.

use std::net::{Ipv4Addr, Ipv6Addr};

use proptest::prelude::*;

use crate::config::{Config, LoadMode};
use crate::load::PayloadFormat;
use crate::schema::{self, Kind, SchemaNode, APPLY_GROUPS, HAND_ROOT};
use crate::tree::{Entry, Meta, Node, Value};
use crate::value::ValueType;

fn text_value() -> BoxedStrategy<String> {
    let alphabet = vec![
        'a', 'Z', '0', ' ', '"', '\\', '$', '#', '{', '}', ';', '[', ']', '/', '*', '.', ':', '-',
        'é', '\'',
    ];
    prop::collection::vec(prop::sample::select(alphabet), 0..12)
        .prop_map(|v| v.into_iter().collect())
        .boxed()
}

fn value_strategy(ty: ValueType) -> BoxedStrategy<String> {
    match ty {
        ValueType::Text { .. } => text_value(),
        ValueType::Name => "[a-z0-9_][a-z0-9_.-]{0,10}".boxed(),
        ValueType::HostName => "[a-zA-Z0-9.-]{1,12}".boxed(),
        ValueType::UserName => "[a-z_][a-z0-9_.-]{0,10}".boxed(),
        ValueType::Uint { min, max } => (min..=max).prop_map(|v| v.to_string()).boxed(),
        ValueType::Enum(choices) => prop::sample::select(choices)
            .prop_map(str::to_owned)
            .boxed(),
        ValueType::IpAddr => prop_oneof![
            any::<[u8; 4]>().prop_map(|b| Ipv4Addr::from(b).to_string()),
            any::<[u8; 16]>().prop_map(|b| Ipv6Addr::from(b).to_string()),
        ]
        .boxed(),
        ValueType::IpPrefix => prop_oneof![
            (any::<[u8; 4]>(), 0u8..=32).prop_map(|(b, l)| format!("{}/{l}", Ipv4Addr::from(b))),
            (any::<[u8; 16]>(), 0u8..=128).prop_map(|(b, l)| format!("{}/{l}", Ipv6Addr::from(b))),
        ]
        .boxed(),
        ValueType::CryptHash => ("[a-zA-Z0-9./]{1,16}", "[a-zA-Z0-9./]{86}")
            .prop_map(|(salt, hash)| format!("$6${salt}${hash}"))
            .boxed(),
        ValueType::Ipv4Addr => any::<[u8; 4]>()
            .prop_map(|b| Ipv4Addr::from(b).to_string())
            .boxed(),
        ValueType::Ipv4Prefix => (any::<[u8; 4]>(), 0u8..=32)
            .prop_map(|(b, l)| format!("{}/{l}", Ipv4Addr::from(b)))
            .boxed(),
        ValueType::Ipv6Prefix => (any::<[u8; 16]>(), 0u8..=128)
            .prop_map(|(b, l)| format!("{}/{l}", Ipv6Addr::from(b)))
            .boxed(),
        ValueType::IfName => ifd_name().boxed(),
        ValueType::IflName => (ifd_name(), 0u32..=16385)
            .prop_map(|(d, u)| format!("{d}.{u}"))
            .boxed(),
        ValueType::Bandwidth => "[1-9][0-9]{0,5}[kmg]?".boxed(),
        ValueType::PrefixLen => (0u8..=128).prop_map(|l| format!("/{l}")).boxed(),
        ValueType::PrefixLenRange => (0u8..=128, 0u8..=128)
            .prop_map(|(a, b)| format!("/{}-/{}", a.min(b), a.max(b)))
            .boxed(),
        ValueType::KeywordOrNumber { choices, max } => prop_oneof![
            prop::sample::select(choices).prop_map(str::to_owned),
            (0..=max).prop_map(|v| v.to_string()),
        ]
        .boxed(),
        ValueType::Port => prop_oneof![
            prop::sample::select(crate::value::PORT_NAMES).prop_map(|(n, _)| n.to_owned()),
            any::<u16>().prop_map(|p| p.to_string()),
            (0u16..1000, 1000u16..2000).prop_map(|(a, b)| format!("{a}-{b}")),
        ]
        .boxed(),
        ValueType::TimeZone => "[A-Z][a-zA-Z_]{0,8}(/[A-Z][a-z_]{1,8})?".boxed(),
        ValueType::Gen(t) => Just(t.example().unwrap_or_default()).boxed(),
    }
}

fn ifd_name() -> BoxedStrategy<String> {
    prop_oneof![
        "(ge|xe|et)-[0-9]/[0-9]/[0-9]{1,2}",
        "xe-[0-9]/0/[0-9]:[0-3]",
        "(lo|ae|fxp|em)[0-9]{1,2}",
        Just("irb".to_owned()),
    ]
    .boxed()
}

/// Annotations and `inactive:`, now and then.
fn meta_strategy() -> BoxedStrategy<Meta> {
    let annotation = "[a-zA-Z0-9][a-zA-Z0-9 .,'\"#{};/]{0,20}"
        .prop_filter_map("non-empty", |s: String| crate::value::annotation(&s));
    (
        proptest::bool::weighted(0.08),
        proptest::option::weighted(0.08, annotation),
    )
        .prop_map(|(inactive, annotation)| Meta {
            inactive,
            annotation,
        })
        .boxed()
}

fn dedup(values: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

/// Statements of the hand schema `level` (whose place in the joined schema is
/// `joined`), in joined print order.
fn children_strategy(
    level: &'static [SchemaNode],
    joined: &'static [SchemaNode],
    depth: u32,
) -> BoxedStrategy<Vec<Node>> {
    let weight = if depth > 9 { 0.4 } else { 0.6 };
    let mut parts: Vec<BoxedStrategy<Option<Node>>> = Vec::new();
    if !level.is_empty() && !level.iter().any(|n| n.name == "apply-groups") {
        parts.push(
            proptest::option::weighted(0.03, node_strategy(&APPLY_GROUPS, &APPLY_GROUPS, depth))
                .boxed(),
        );
    }
    for sn in level {
        let jn = schema::find(joined, sn.name).unwrap_or(sn);
        parts.push(proptest::option::weighted(weight, node_strategy(sn, jn, depth + 1)).boxed());
    }
    parts
        .prop_map(move |v| {
            // One member per choice group, as the parsers keep it.
            let mut out: Vec<Node> = Vec::new();
            for n in v.into_iter().flatten() {
                if !out.iter().any(|o| o.schema.excludes(n.schema)) {
                    out.push(n);
                }
            }
            out.sort_by_key(|n| schema::order(joined, n.schema.name));
            out
        })
        .boxed()
}

fn node_strategy(
    sn: &'static SchemaNode,
    jn: &'static SchemaNode,
    depth: u32,
) -> BoxedStrategy<Node> {
    let value = value_of(sn, jn, depth);
    let sn = jn;
    if !sn.is_list() {
        return (meta_strategy(), value)
            .prop_map(move |(meta, value)| Node {
                schema: sn,
                meta,
                value,
            })
            .boxed();
    }
    value
        .prop_map(move |value| Node {
            schema: sn,
            meta: Meta::default(),
            value,
        })
        .boxed()
}

fn value_of(sn: &'static SchemaNode, jn: &'static SchemaNode, depth: u32) -> BoxedStrategy<Value> {
    let mk = |value| value;
    match sn.kind {
        Kind::Leaf(ty) => value_strategy(ty)
            .prop_map(move |v| mk(Value::Leaf(v)))
            .boxed(),
        Kind::Flag => Just(mk(Value::Flag)).boxed(),
        Kind::LeafList(ty) => prop::collection::vec(value_strategy(ty), 1..4)
            .prop_map(move |vs| mk(Value::LeafList(dedup(vs))))
            .boxed(),
        Kind::Container { children, .. } => children_strategy(children, jn.children(), depth)
            .prop_map(move |c| mk(Value::Container(c)))
            .boxed(),
        Kind::List { key, children } => prop::collection::vec(
            (
                value_strategy(key),
                meta_strategy(),
                children_strategy(children, jn.children(), depth),
            ),
            1..3,
        )
        .prop_map(move |entries| {
            let mut out: Vec<Entry> = Vec::new();
            for (key, meta, children) in entries {
                if !out.iter().any(|e| e.key == key) {
                    out.push(Entry {
                        key,
                        meta,
                        children,
                    });
                }
            }
            mk(Value::List(out))
        })
        .boxed(),
    }
}

fn config_strategy() -> BoxedStrategy<Config> {
    children_strategy(HAND_ROOT, schema::root(), 0)
        .prop_map(Config::from_children)
        .boxed()
}

/// Token soup that looks like configuration, to reach deep parser states.
fn config_like_text() -> BoxedStrategy<String> {
    let words = vec![
        "system",
        "services",
        "login",
        "user",
        "admin",
        "class",
        "super-user",
        "uid",
        "70000",
        "host-name",
        "{",
        "}",
        ";",
        "[",
        "]",
        "\"",
        "replace:",
        "set",
        "delete",
        "edit",
        "up",
        "top",
        "extension-service",
        "request-response",
        "grpc",
        "clear-text",
        "port",
        "address",
        "notification",
        "allow-clients",
        "10.0.0.0/8",
        "::1",
        "#",
        "/*",
        "*/",
        "\n",
        "security",
        "certificates",
        "local",
        "skip-authentication",
        "version",
    ];
    prop::collection::vec(prop::sample::select(words), 0..40)
        .prop_map(|w| w.join(" "))
        .boxed()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn text_round_trip_is_exact(c in config_strategy()) {
        let text = c.to_text();
        let back = Config::parse_text(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(&back, &c);
        prop_assert_eq!(back.to_text(), text);
    }

    #[test]
    fn set_round_trip_is_exact(c in config_strategy()) {
        let set = c.to_set();
        let back = Config::parse_set(&set).map_err(|e| TestCaseError::fail(format!("{e}\n{set}")))?;
        prop_assert_eq!(&back, &c);
        prop_assert_eq!(back.to_set(), set);
    }

    #[test]
    fn xml_round_trip_is_exact(c in config_strategy()) {
        let doc = c.to_xml_document();
        let back = Config::parse_xml(&doc).map_err(|e| TestCaseError::fail(format!("{e}\n{doc}")))?;
        prop_assert_eq!(&back, &c);
        prop_assert_eq!(back.to_xml_document(), doc);
    }

    #[test]
    fn json_round_trip_is_exact(c in config_strategy()) {
        let json = c.to_json();
        let back = Config::parse_json(&json).map_err(|e| TestCaseError::fail(format!("{e}\n{json}")))?;
        prop_assert_eq!(&back, &c);
        prop_assert_eq!(back.to_json(), json);
    }

    #[test]
    fn merge_is_idempotent_and_override_restores(c in config_strategy(), d in config_strategy()) {
        let mut m = c.clone();
        m.merge(&c);
        prop_assert_eq!(&m, &c);
        let mut empty = Config::default();
        empty.merge(&c);
        prop_assert_eq!(&empty, &c);
        prop_assert_eq!(d.load(&c.to_text(), LoadMode::Override).ok(), Some(c.clone()));
        let merged = d.load(&c.to_text(), LoadMode::Merge).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut expect = d.clone();
        expect.merge(&c);
        prop_assert_eq!(&merged, &expect);
        let mut in_place = d.clone();
        in_place.load_in_place(&c.to_xml_document(), PayloadFormat::Xml, LoadMode::Merge)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&in_place, &expect);
        let mut json = d.clone();
        json.load_in_place(&c.to_json(), PayloadFormat::Json, LoadMode::Replace)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&json, &expect);
    }

    #[test]
    fn renderings_and_views_never_panic(c in config_strategy()) {
        let _ = (c.to_xml(8), c.to_json_value(), c.validate(), c.users(), c.jsd(), c.notification());
        for path in [&["system"][..], &["system", "login", "user"], &["security", "pki"], &["version"]] {
            if let Some(s) = c.subtree(path) {
                prop_assert!(!s.is_empty());
                prop_assert!(c.to_text_at(path).is_some());
            }
        }
    }

    #[test]
    fn parsers_never_panic_on_config_like_text(s in config_like_text()) {
        let _ = Config::parse_text(&s);
        let _ = Config::parse_set(&s);
        let _ = Config::default().load(&s, LoadMode::Replace);
    }

    #[test]
    fn parsers_never_panic_on_arbitrary_text(s in any::<String>()) {
        let _ = Config::parse_text(&s);
        let _ = Config::parse_set(&s);
        let _ = Config::parse_xml(&s);
        let _ = Config::parse_json(&s);
    }
}

#[test]
fn generator_reaches_the_deepest_statements() {
    use proptest::strategy::ValueTree as _;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = config_strategy();
    let mut seen = String::new();
    for _ in 0..300 {
        if let Ok(tree) = strategy.new_tree(&mut runner) {
            seen.push_str(&tree.current().to_set());
        }
    }
    for deep in [
        "encrypted-password",
        "client-certificate-request",
        "allow-clients address",
        "ca-identity",
        "qualified-next-hop",
        "route-filter",
        "source-address",
        "bandwidth-limit",
        "deployment-scope",
        "deactivate",
        "annotate",
    ] {
        assert!(seen.contains(deep), "generator never produced {deep}");
    }
}
