//! XML rendering of configuration, as inside Junos `<configuration>`.
//!
//! Leaves are elements with text, list entries repeat the list element with `<name>`
//! first, leaf-list values repeat their element, flags self-close (`<ssh/>`), empty
//! containers open and close on two lines.

use crate::tree::{Node, Value};

/// Appends the XML of `children`, each line indented `indent` spaces (+4 per level).
pub(crate) fn print(out: &mut String, children: &[Node], indent: usize) {
    for n in children {
        let pad = " ".repeat(indent);
        let name = n.schema.name;
        match &n.value {
            Value::Leaf(v) => out.push_str(&format!("{pad}<{name}>{}</{name}>\n", escape(v))),
            Value::Flag => out.push_str(&format!("{pad}<{name}/>\n")),
            Value::LeafList(vs) => {
                for v in vs {
                    out.push_str(&format!("{pad}<{name}>{}</{name}>\n", escape(v)));
                }
            }
            Value::Container(c) => {
                out.push_str(&format!("{pad}<{name}>\n"));
                print(out, c, indent + 4);
                out.push_str(&format!("{pad}</{name}>\n"));
            }
            Value::List(entries) => {
                for e in entries {
                    out.push_str(&format!("{pad}<{name}>\n"));
                    out.push_str(&format!("{pad}    <name>{}</name>\n", escape(&e.key)));
                    print(out, &e.children, indent + 4);
                    out.push_str(&format!("{pad}</{name}>\n"));
                }
            }
        }
    }
}

/// Escapes text content: `&`, `<`, `>`.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_content_is_escaped() {
        assert_eq!(escape("a<b>&c\"d"), "a&lt;b&gt;&amp;c\"d");
    }
}
