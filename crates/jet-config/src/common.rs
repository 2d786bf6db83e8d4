//! What the parsers and printers of the four configuration formats (text, `set`
//! commands, XML, JSON) share: the parse result, merging of statement tags,
//! indentation, the printed form of a value and of an annotation.
//!
//! Below every format module: the formats import this, never each other.

use crate::schema::SchemaNode;
use crate::tree::{Meta, Node, Step};
use crate::value::{quote, quote_always};

/// The result of parsing curly-brace text (or XML or JSON).
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    /// Top-level statements.
    pub(crate) children: Vec<Node>,
    /// Paths of the statements tagged `replace:`, in input order.
    pub(crate) replaces: Vec<Vec<Step>>,
    /// Statements to delete (XML `operation="delete"`, JSON `"operation": "delete"`):
    /// the path, and for a leaf-list the value.
    pub(crate) deletes: Vec<(Vec<Step>, Option<String>)>,
    /// Statements tagged `active:` in text: their `inactive` tag is cleared.
    pub(crate) activates: Vec<Vec<Step>>,
}

/// Adds parsed tags to a statement's metadata (repeated statements merge).
pub(crate) fn absorb(meta: &mut Meta, tags: Meta) {
    if tags.inactive {
        meta.inactive = true;
    }
    if tags.annotation.is_some() {
        meta.annotation = tags.annotation;
    }
}

/// What a secret value shows as to a user who may not see it (Junos's form).
pub const SECRET_MASK: &str = "/* SECRET-DATA */";

/// The printed form of a leaf value.
pub(crate) fn shown_value(schema: &SchemaNode, v: &str) -> String {
    if schema.secret && v == SECRET_MASK {
        v.to_owned()
    } else if schema.secret {
        quote_always(v)
    } else {
        quote(v)
    }
}

const SPACES: &str = "                                                                                                                                ";

/// `n` spaces of indentation.
pub(crate) fn pad(out: &mut String, n: usize) {
    let mut left = n;
    while left > 0 {
        let k = left.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        left -= k;
    }
}

/// The annotation in `/* text */` (delimiters optional); `None` when empty.
pub(crate) fn comment_text(s: &str) -> Option<String> {
    let t = s.trim();
    let t = t.strip_prefix("/*").unwrap_or(t);
    let t = t.strip_suffix("*/").unwrap_or(t);
    crate::value::annotation(t)
}
