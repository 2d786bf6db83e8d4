//! The `display set` printer: `set` lines, `deactivate` after inactive statements, then
//! the `annotate` commands of the annotations.

use crate::common::shown_value;
use crate::keys;
use crate::tree::{Node, Value};
use crate::value::{quote, quote_always};

/// Prints `display set` for `children`: `set` lines, a `deactivate` line after each
/// inactive statement, then `annotate` commands (`edit PATH`, `annotate STATEMENT
/// "text"`, `top`) for the annotations.
pub(crate) fn print(out: &mut String, children: &[Node]) {
    let mut notes = Vec::new();
    walk(out, children, &mut String::new(), &mut notes);
    for (parent, statement, text) in notes {
        if parent.is_empty() {
            out.push_str(&format!("annotate {statement} {}\n", quote_always(&text)));
        } else {
            out.push_str(&format!(
                "edit{parent}\nannotate {statement} {}\ntop\n",
                quote_always(&text)
            ));
        }
    }
}

type Notes = Vec<(String, String, String)>;

fn line(out: &mut String, cmd: &str, path: &str, tail: &str) {
    out.push_str(cmd);
    out.push_str(path);
    out.push_str(tail);
    out.push('\n');
}

fn walk(out: &mut String, children: &[Node], path: &mut String, notes: &mut Notes) {
    for n in children {
        let len = path.len();
        if !n.schema.bare || n.schema.is_list() {
            path.push(' ');
            path.push_str(n.schema.name);
        }
        if let Some(a) = &n.meta.annotation {
            notes.push((path[..len].to_owned(), n.schema.name.to_owned(), a.clone()));
        }
        match &n.value {
            Value::Leaf(v) => line(out, "set", path, &format!(" {}", shown_value(n.schema, v))),
            Value::Flag => line(out, "set", path, ""),
            Value::LeafList(vs) => {
                for v in vs {
                    line(out, "set", path, &format!(" {}", quote(v)));
                }
            }
            Value::Container(c) if c.is_empty() => line(out, "set", path, ""),
            Value::Container(c) => walk(out, c, path, notes),
            Value::List(entries) => {
                if n.schema.bare {
                    path.truncate(len);
                }
                for e in entries {
                    let l = path.len();
                    path.push(' ');
                    path.push_str(&keys::shown(n.schema, &e.key));
                    if let Some(a) = &e.meta.annotation {
                        let stmt = path[len..].trim_start().to_owned();
                        notes.push((path[..len].to_owned(), stmt, a.clone()));
                    }
                    if e.children.is_empty() {
                        line(out, "set", path, "");
                    } else {
                        walk(out, &e.children, path, notes);
                    }
                    if e.meta.inactive {
                        line(out, "deactivate", path, "");
                    }
                    path.truncate(l);
                }
            }
        }
        if n.meta.inactive && !matches!(n.value, Value::List(_)) {
            line(out, "deactivate", &path[..], "");
        }
        path.truncate(len);
    }
}
