//! JSON rendering of configuration (junos-output.md 1.3): containers are objects, lists
//! arrays of objects with `"name"` first, integers unquoted, flags and empty containers
//! `[null]`, leaf-lists arrays. Member order follows the configuration (serde_json's
//! `preserve_order`).

use serde_json::{Map, Value as Json};

use crate::tree::{Node, Value};
use crate::value::ValueType;

/// The JSON object for `children`.
pub(crate) fn object(children: &[Node]) -> Json {
    let mut map = Map::new();
    for n in children {
        let ty = n.schema.value_type();
        let v = match &n.value {
            Value::Leaf(v) => scalar(ty, v),
            Value::Flag => null_marker(),
            Value::LeafList(vs) => Json::Array(vs.iter().map(|v| scalar(ty, v)).collect()),
            Value::Container(c) if c.is_empty() => null_marker(),
            Value::Container(c) => object(c),
            Value::List(entries) => Json::Array(
                entries
                    .iter()
                    .map(|e| {
                        let mut m = Map::new();
                        m.insert("name".to_owned(), scalar(ty, &e.key));
                        if let Json::Object(rest) = object(&e.children) {
                            m.extend(rest);
                        }
                        Json::Object(m)
                    })
                    .collect(),
            ),
        };
        map.insert(n.schema.name.to_owned(), v);
    }
    Json::Object(map)
}

/// `[null]`: how Junos JSON shows a statement without value.
fn null_marker() -> Json {
    Json::Array(vec![Json::Null])
}

fn scalar(ty: Option<ValueType>, v: &str) -> Json {
    match ty {
        Some(t) if t.is_integer() => match v.parse::<u64>() {
            Ok(n) => Json::from(n),
            Err(_) => Json::String(v.to_owned()),
        },
        _ => Json::String(v.to_owned()),
    }
}
