//! Configuration payloads as clients send them (text, XML, JSON) and how each is loaded:
//! the one place that maps an encoding and a load mode to jet-config.

use jet_config::{Config, LoadMode};

use crate::error::DeviceError;

/// A configuration payload in one of the encodings JET carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// Curly-brace text, or `set` commands with [`LoadMode::Set`]. `replace:` tags mark
    /// what [`LoadMode::Replace`] replaces.
    Text(String),
    /// Junos XML (`<configuration>...`); `operation="replace"` marks replacements.
    Xml(String),
    /// Junos JSON (`{"configuration": ...}`); `"@": {"operation": "replace"}` marks
    /// replacements.
    Json(String),
}

impl Payload {
    /// The encoding's name, for messages.
    pub fn encoding(&self) -> &'static str {
        match self {
            Payload::Text(_) => "text",
            Payload::Xml(_) => "xml",
            Payload::Json(_) => "json",
        }
    }
}

/// The configuration that results from loading `payload` onto `base` with `mode`.
pub(crate) fn load(
    base: &Config,
    payload: &Payload,
    mode: LoadMode,
) -> Result<Config, DeviceError> {
    Ok(match payload {
        Payload::Text(t) => base.load(t, mode)?,
        Payload::Xml(_) | Payload::Json(_) if matches!(mode, LoadMode::Set | LoadMode::Patch) => {
            return Err(DeviceError::NeedsText {
                mode: mode.as_str(),
                encoding: payload.encoding(),
            })
        }
        Payload::Xml(x) => base.load_xml(x, mode)?,
        Payload::Json(j) => base.load_json(j, mode)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_encoding_loads_with_its_replace_marker() {
        let base = Config::parse_text("system { host-name a; domain-name d.net; }").expect("base");
        let x = load(
            &base,
            &Payload::Xml(
                "<configuration><system><host-name>x</host-name></system></configuration>".into(),
            ),
            LoadMode::Merge,
        )
        .expect("xml");
        assert_eq!(x.host_name(), Some("x"));
        let j = load(
            &base,
            &Payload::Json(
                r#"{"configuration":{"system":{"@":{"operation":"replace"},"host-name":"j"}}}"#
                    .into(),
            ),
            LoadMode::Replace,
        )
        .expect("json");
        assert_eq!(j.host_name(), Some("j"));
        assert!(
            !j.to_text().contains("domain-name"),
            "replaced whole: {}",
            j.to_text()
        );
        assert!(load(&base, &Payload::Json("{}".into()), LoadMode::Set).is_err());
    }
}
