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
pub(crate) fn load(base: &Config, payload: &Payload, mode: LoadMode) -> Result<Config, DeviceError> {
    match payload {
        Payload::Text(t) => Ok(base.load(t, mode)?),
        Payload::Xml(_) | Payload::Json(_) if mode == LoadMode::Set => Err(DeviceError::Syntax(
            format!(
                "load set takes set commands as text, not {}",
                payload.encoding()
            ),
        )),
        // jet-config does not parse XML or JSON configuration yet.
        Payload::Xml(_) | Payload::Json(_) => Err(DeviceError::Unsupported(format!(
            "loading {} configuration is not supported by this OpenJET release yet; \
             send curly-brace text or set commands",
            payload.encoding()
        ))),
    }
}
