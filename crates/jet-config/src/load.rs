//! `load merge | replace | override | update | set | patch`: a new candidate from a payload
//! in any of the four formats, with each format's replace (and delete) markers (`patch`
//! is text only and lives in `patch.rs`).

use std::str::FromStr;

use crate::common::Parsed;
use crate::config::{Config, LoadMode};
use crate::error::{ConfigError, ConfigErrorKind};
use crate::schema;
use crate::{json, text, tree, xml};

/// The syntax of a configuration payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayloadFormat {
    /// Junos curly-brace text (`replace:` tags).
    Text,
    /// Configuration-mode commands (`set`, `delete`, ...).
    Set,
    /// Junos XML `<configuration>` (`operation="replace|delete"` attributes).
    Xml,
    /// Junos JSON `{"configuration": ...}` (`"@": {"operation": "replace"}`).
    Json,
}

impl PayloadFormat {
    /// `text`, `set`, `xml`, `json`.
    pub fn as_str(self) -> &'static str {
        match self {
            PayloadFormat::Text => "text",
            PayloadFormat::Set => "set",
            PayloadFormat::Xml => "xml",
            PayloadFormat::Json => "json",
        }
    }
}

impl FromStr for PayloadFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "text" => PayloadFormat::Text,
            "set" => PayloadFormat::Set,
            "xml" => PayloadFormat::Xml,
            "json" => PayloadFormat::Json,
            other => return Err(format!("unknown payload format '{other}'")),
        })
    }
}

/// A payload read by [`Config::parse_load`], to be applied with [`Config::apply_load`].
#[derive(Debug)]
pub struct ParsedLoad(Loadable);

#[derive(Debug)]
enum Loadable {
    /// Text, XML or JSON, parsed, with its load mode.
    Parsed(Parsed, LoadMode),
    /// `set` lines (applied one by one onto the configuration).
    Set(String),
    /// `show | compare` output (read against the configuration).
    Patch(String),
}

/// Applies a parsed merge or replace payload: replaced statements are emptied, deleted
/// ones removed, then the payload merged in.
fn patch(children: &mut Vec<crate::tree::Node>, parsed: Parsed, mode: LoadMode) {
    if mode == LoadMode::Replace {
        for steps in &parsed.replaces {
            tree::clear_at(children, steps);
        }
    }
    for (steps, value) in &parsed.deletes {
        tree::delete_at(children, steps, value.as_deref());
    }
    tree::merge_children(children, parsed.children, schema::root());
    for steps in &parsed.activates {
        tree::activate_at(children, steps);
    }
}

impl Config {
    /// The configuration that results from loading `payload` onto this one, Junos
    /// style. This configuration is not changed; on error nothing is returned.
    ///
    /// - `Merge`: curly-brace text merged in (leaves replaced, lists and leaf-lists
    ///   extended).
    /// - `Replace`: like merge, but each statement tagged `replace:` first loses its
    ///   current contents, so the payload's version replaces it whole.
    /// - `Override`, `Update`: the payload is the whole new configuration.
    /// - `Set`: `set`/`delete`/`edit`/`up`/`top`/`exit` (and `deactivate`, `activate`,
    ///   `annotate`, `rename`, `copy`, `insert`) lines applied in order.
    /// - `Patch`: the output of `show | compare` ([`Config::load_patch`]).
    pub fn load(&self, payload: &str, mode: LoadMode) -> Result<Config, ConfigError> {
        let format = if mode == LoadMode::Set {
            PayloadFormat::Set
        } else {
            PayloadFormat::Text
        };
        self.load_payload(payload, format, mode)
    }

    /// [`Config::load`] of a Junos XML `<configuration>` payload: `operation="replace"`
    /// marks what `Replace` replaces, `operation="delete"` removes a statement (merge and
    /// replace loads).
    pub fn load_xml(&self, payload: &str, mode: LoadMode) -> Result<Config, ConfigError> {
        self.load_payload(payload, PayloadFormat::Xml, mode)
    }

    /// [`Config::load`] of a Junos JSON payload: `"@": {"operation": "replace"}` marks
    /// what `Replace` replaces, `"operation": "delete"` removes a statement.
    pub fn load_json(&self, payload: &str, mode: LoadMode) -> Result<Config, ConfigError> {
        self.load_payload(payload, PayloadFormat::Json, mode)
    }

    /// Loads `payload` written in `format`. `LoadMode::Set` needs `PayloadFormat::Set`
    /// and the other modes need one of the three configuration formats.
    pub fn load_payload(
        &self,
        payload: &str,
        format: PayloadFormat,
        mode: LoadMode,
    ) -> Result<Config, ConfigError> {
        let load = match Config::parse_load(payload, format, mode)?.0 {
            // Nothing of this configuration is kept, or a patch reads it: no copy here.
            Loadable::Parsed(p, LoadMode::Override | LoadMode::Update) => {
                return Ok(Config::from_children(p.children))
            }
            Loadable::Patch(text) => return self.load_patch(&text),
            other => ParsedLoad(other),
        };
        let mut c = self.clone();
        c.apply_load(load)?;
        Ok(c)
    }

    /// Loads `payload` into this configuration in place: what [`Config::load_payload`]
    /// returns, without copying the configuration (for large configurations in a
    /// commit pipeline that owns its candidate). All or nothing: on error this
    /// configuration is unchanged.
    pub fn load_in_place(
        &mut self,
        payload: &str,
        format: PayloadFormat,
        mode: LoadMode,
    ) -> Result<(), ConfigError> {
        let parsed = Config::parse_load(payload, format, mode)?;
        self.apply_load(parsed)
    }

    /// The first half of a load, which needs no configuration: `payload` checked and
    /// parsed (for merge, replace, override and update loads of text, XML and JSON; `set`
    /// and `patch` payloads are read against the configuration by
    /// [`Config::apply_load`]). A commit pipeline can parse while it copies the
    /// configuration the payload goes onto.
    pub fn parse_load(
        payload: &str,
        format: PayloadFormat,
        mode: LoadMode,
    ) -> Result<ParsedLoad, ConfigError> {
        let (payload, format) = match unwrap_junos_wrapper(payload) {
            Some((text, f)) => (std::borrow::Cow::Owned(text), f),
            None => (std::borrow::Cow::Borrowed(payload), format),
        };
        if mode == LoadMode::Patch {
            if format != PayloadFormat::Text {
                return Err(ConfigError::new(
                    ConfigErrorKind::Syntax,
                    "[edit]",
                    "",
                    format!(
                        "load patch takes the text output of 'show | compare', not a {} payload",
                        format.as_str()
                    ),
                ));
            }
            return Ok(ParsedLoad(Loadable::Patch(payload.into_owned())));
        }
        if (mode == LoadMode::Set) != (format == PayloadFormat::Set) {
            return Err(ConfigError::new(
                ConfigErrorKind::Syntax,
                "[edit]",
                "",
                format!(
                    "load {} does not take a {} payload",
                    mode.as_str(),
                    format.as_str()
                ),
            ));
        }
        let parsed = match format {
            PayloadFormat::Set => return Ok(ParsedLoad(Loadable::Set(payload.into_owned()))),
            PayloadFormat::Text => text::parse(&payload)?,
            PayloadFormat::Xml => xml::parse(&payload)?,
            PayloadFormat::Json => json::parse(&payload)?,
        };
        Ok(ParsedLoad(Loadable::Parsed(parsed, mode)))
    }

    /// The second half of a load: a payload from [`Config::parse_load`] applied to this
    /// configuration. All or nothing: on error this configuration is unchanged.
    pub fn apply_load(&mut self, load: ParsedLoad) -> Result<(), ConfigError> {
        match load.0 {
            Loadable::Set(lines) => self.apply_set(&lines),
            Loadable::Patch(text) => {
                *self = self.load_patch(&text)?;
                Ok(())
            }
            Loadable::Parsed(parsed, mode) => {
                self.touch();
                match mode {
                    // A patch arrives here as the merge text `load_patch` made of it.
                    LoadMode::Merge | LoadMode::Replace | LoadMode::Patch => {
                        patch(&mut self.children, parsed, mode)
                    }
                    LoadMode::Override | LoadMode::Update | LoadMode::Set => {
                        self.children = parsed.children
                    }
                }
                Ok(())
            }
        }
    }

    /// Parses a Junos XML `<configuration>` document (load attributes are ignored:
    /// statements marked `delete` are left out).
    pub fn parse_xml(xml: &str) -> Result<Config, ConfigError> {
        Ok(Config::from_children(xml::parse(xml)?.children))
    }

    /// Parses Junos JSON: `{"configuration": {...}}` or the inner object alone.
    pub fn parse_json(json: &str) -> Result<Config, ConfigError> {
        Ok(Config::from_children(json::parse(json)?.children))
    }

    /// [`Config::parse_json`] of an already parsed JSON value.
    pub fn from_json_value(value: &serde_json::Value) -> Result<Config, ConfigError> {
        Ok(Config::from_children(json::parse_value(value)?.children))
    }

    /// The whole configuration as a Junos XML document: `<configuration>`, the
    /// statements indented 4 spaces per level, `</configuration>`.
    pub fn to_xml_document(&self) -> String {
        let mut s = String::from("<configuration>\n");
        xml::print(&mut s, &self.children, 4);
        s.push_str("</configuration>\n");
        s
    }

    /// `{"configuration": {...}}`, pretty-printed.
    pub fn to_json(&self) -> String {
        let v = serde_json::json!({ "configuration": self.to_json_value() });
        serde_json::to_string_pretty(&v).unwrap_or_default()
    }
}

/// Junos's management-API wrappers: curly text in `<configuration-text>` and set
/// commands in `<configuration-set>` (XML-escaped), as `load-configuration` takes them.
/// Returns the unescaped content and its format.
fn unwrap_junos_wrapper(payload: &str) -> Option<(String, PayloadFormat)> {
    let t = payload.trim();
    let (body, format) = if let Some(b) = t
        .strip_prefix("<configuration-text>")
        .and_then(|b| b.strip_suffix("</configuration-text>"))
    {
        (b, PayloadFormat::Text)
    } else {
        let b = t
            .strip_prefix("<configuration-set>")
            .and_then(|b| b.strip_suffix("</configuration-set>"))?;
        (b, PayloadFormat::Set)
    };
    let text = body
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    Some((text, format))
}
