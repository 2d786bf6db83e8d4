//! Lists with several keys (203 lists of the Junos facts): how their keys are read from
//! and written to each format. Shared by the four formats (below them, like `common`).
//!
//! An entry's key is the values of its keys in schema order joined by [`KEY_SEP`], so
//! that identity, merge, compare and the key indexes treat it like any other key.
//!
//! ```text
//! text/set   virtual-link neighbor-id 192.0.2.1 transit-area 0.0.0.1
//!            route-filter 10.0.0.0/8 upto /24        (choice: `upto` takes a value)
//!            mac 00:11:22:33:44:55 remote-vtep 192.0.2.7
//! XML        <virtual-link><neighbor-id>192.0.2.1</neighbor-id>
//!                <transit-area>0.0.0.1</transit-area></virtual-link>
//!            <route-filter><address>10.0.0.0/8</address><upto>/24</upto></route-filter>
//! JSON       {"neighbor-id": "192.0.2.1", "transit-area": "0.0.0.1"}
//!            {"address": "10.0.0.0/8", "exact": [null]}
//! ```

use crate::schema::{KeyForm, KeySpec, SchemaNode, KEY_SEP};
use crate::value::{quote, ValueType};

/// True for a list entry keyed by several values.
pub(crate) fn is_multi(sn: &SchemaNode) -> bool {
    sn.keys.len() > 1
}

/// Why keys could not be read: the word (index into the words given) it is about, what
/// to name as the statement, the message, and whether the value (not the syntax) is
/// wrong.
#[derive(Debug)]
pub(crate) struct KeyError {
    pub(crate) at: usize,
    pub(crate) statement: String,
    pub(crate) message: String,
    pub(crate) invalid_value: bool,
}

fn check(spec: &KeySpec, sn: &SchemaNode, raw: &str, at: usize) -> Result<String, KeyError> {
    let bad = |m: String| KeyError {
        at,
        statement: format!("{} {} {}", sn.name, spec.name, quote(raw)),
        message: m,
        invalid_value: true,
    };
    let v = spec.ty.canonical(spec.name, raw).map_err(bad)?;
    // The separator of the key values, and an empty choice value (it would print as
    // no value), cannot be told apart once stored.
    if v.contains(KEY_SEP) || (v.is_empty() && spec.form == KeyForm::ChoiceValue) {
        return Err(bad(format!("invalid value '{raw}' for {}", spec.name)));
    }
    Ok(v)
}

fn missing(sn: &SchemaNode, spec: &KeySpec, at: usize) -> KeyError {
    KeyError {
        at,
        statement: sn.name.to_owned(),
        message: format!("syntax error: missing {} for '{}'", spec.name, sn.name),
        invalid_value: false,
    }
}

/// The enumeration words of a choice key.
fn choice_words(spec: &KeySpec) -> &'static [&'static str] {
    match spec.ty {
        ValueType::Gen(g) => g.enums,
        ValueType::Enum(e) => e,
        _ => &[],
    }
}

/// Reads the keys of `sn` from the words after the list's name; returns the entry key
/// and how many words it took.
pub(crate) fn read(sn: &SchemaNode, words: &[&str]) -> Result<(String, usize), KeyError> {
    let mut key = String::new();
    let mut i = 0;
    let mut ident: Option<&str> = None;
    for (n, spec) in sn.keys.iter().enumerate() {
        if n > 0 {
            key.push(KEY_SEP);
        }
        match spec.form {
            KeyForm::Bare | KeyForm::ChoiceIdent => {
                let w = words.get(i).ok_or_else(|| missing(sn, spec, i))?;
                let v = check(spec, sn, w, i)?;
                if spec.form == KeyForm::ChoiceIdent {
                    ident = choice_words(spec).iter().copied().find(|c| *c == v);
                }
                key.push_str(&v);
                i += 1;
            }
            KeyForm::Keyword => {
                match words.get(i) {
                    Some(w) if *w == spec.name => {}
                    Some(w) => {
                        return Err(KeyError {
                            at: i,
                            statement: (*w).to_owned(),
                            message: format!(
                                "syntax error: expected '{}' for '{}', found '{w}'",
                                spec.name, sn.name
                            ),
                            invalid_value: false,
                        })
                    }
                    None => return Err(missing(sn, spec, i)),
                }
                let w = words.get(i + 1).ok_or_else(|| missing(sn, spec, i + 1))?;
                key.push_str(&check(spec, sn, w, i + 1)?);
                i += 2;
            }
            KeyForm::ChoiceValue => {
                if ident.is_some_and(crate::schema::choice_takes_value) {
                    let w = words.get(i).ok_or_else(|| missing(sn, spec, i))?;
                    key.push_str(&check(spec, sn, w, i)?);
                    i += 1;
                }
            }
        }
    }
    Ok((key, i))
}

/// The most words the keys of `sn` can take.
pub(crate) fn max_words(sn: &SchemaNode) -> usize {
    sn.keys
        .iter()
        .map(|k| if k.form == KeyForm::Keyword { 2 } else { 1 })
        .sum()
}

/// The words of an entry's key as typed (`neighbor-id 192.0.2.1 transit-area 0.0.0.1`);
/// the quoted key for a list of one key.
pub(crate) fn shown(sn: &SchemaNode, key: &str) -> String {
    if !is_multi(sn) {
        return quote(key);
    }
    let mut out = String::new();
    for (spec, v) in sn.keys.iter().zip(key.split(KEY_SEP)) {
        if spec.form == KeyForm::ChoiceValue && v.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        if spec.form == KeyForm::Keyword {
            out.push_str(spec.name);
            out.push(' ');
        }
        out.push_str(&quote(v));
    }
    out
}

/// The XML elements (JSON members) of an entry's key, in order: name and text, `None`
/// for an empty element (`<exact/>`, JSON `[null]`).
pub(crate) fn elements(sn: &SchemaNode, key: &str) -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    for (spec, v) in sn.keys.iter().zip(key.split(KEY_SEP)) {
        match spec.form {
            KeyForm::Bare | KeyForm::Keyword => {
                out.push((spec.name.to_owned(), Some(v.to_owned())))
            }
            KeyForm::ChoiceIdent => out.push((v.to_owned(), None)),
            KeyForm::ChoiceValue => {
                if let Some(last) = out.last_mut().filter(|_| !v.is_empty()) {
                    last.1 = Some(v.to_owned());
                }
            }
        }
    }
    out
}

/// Reads an entry's key from XML elements (JSON members): `get(name)` is the text of
/// the element called `name` (`Some("")` for an empty one), `None` when absent. Returns
/// the key and the element names it used, or a message naming the missing or bad key.
pub(crate) fn from_elements(
    sn: &SchemaNode,
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<(String, Vec<&'static str>), String> {
    let mut key = String::new();
    let mut used = Vec::new();
    let mut choice_text = String::new();
    for (n, spec) in sn.keys.iter().enumerate() {
        if n > 0 {
            key.push(KEY_SEP);
        }
        match spec.form {
            KeyForm::Bare | KeyForm::Keyword => {
                let raw = get(spec.name).ok_or_else(|| {
                    format!("syntax error: <{}> without <{}>", sn.name, spec.name)
                })?;
                let v = spec.ty.canonical(spec.name, &raw)?;
                if v.contains(KEY_SEP) {
                    return Err(format!("invalid value '{raw}' for {}", spec.name));
                }
                key.push_str(&v);
                used.push(spec.name);
            }
            KeyForm::ChoiceIdent => {
                let words = choice_words(spec);
                let Some((w, text)) = words.iter().find_map(|w| Some((*w, get(w)?))) else {
                    return Err(format!(
                        "syntax error: <{}> without one of {}",
                        sn.name,
                        words
                            .iter()
                            .map(|w| format!("<{w}>"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                };
                let valued = crate::schema::choice_takes_value(w);
                if valued && text.is_empty() {
                    return Err(format!("syntax error: missing value for <{w}>"));
                }
                if !valued && !text.is_empty() {
                    return Err(format!("syntax error: <{w}> takes no value"));
                }
                key.push_str(w);
                used.push(w);
                choice_text = text;
            }
            KeyForm::ChoiceValue => {
                if !choice_text.is_empty() {
                    let v = spec.ty.canonical(spec.name, &choice_text)?;
                    if v.contains(KEY_SEP) {
                        return Err(format!("invalid value '{choice_text}' for {}", spec.name));
                    }
                    key.push_str(&v);
                }
            }
        }
    }
    Ok((key, used))
}
