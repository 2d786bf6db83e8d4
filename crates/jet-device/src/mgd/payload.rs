//! Configuration payloads as clients send them (text, XML, JSON) and how each is loaded:
//! the one place that maps an encoding and a load mode to jet-config.

use jet_config::{Config, LoadMode, ParsedLoad, PayloadFormat};

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

/// [`load`] in two halves: the payload read without the configuration it goes onto,
/// so that a commit can parse while it copies that configuration; then
/// [`Config::apply_load`]. The same payloads are accepted and refused as by [`load`].
pub(crate) fn parse(payload: &Payload, mode: LoadMode) -> Result<ParsedLoad, DeviceError> {
    let (text, format) = match payload {
        Payload::Text(t) if mode == LoadMode::Set => (t, PayloadFormat::Set),
        Payload::Text(t) => (t, PayloadFormat::Text),
        Payload::Xml(_) | Payload::Json(_) if matches!(mode, LoadMode::Set | LoadMode::Patch) => {
            return Err(DeviceError::NeedsText {
                mode: mode.as_str(),
                encoding: payload.encoding(),
            })
        }
        Payload::Xml(x) => (x, PayloadFormat::Xml),
        Payload::Json(j) => (j, PayloadFormat::Json),
    };
    Ok(Config::parse_load(text, format, mode)?)
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

    #[test]
    fn parse_then_apply_is_load_for_every_encoding_and_mode() {
        let base = Config::parse_text(
            "system { host-name a; domain-name d.net; } routing-options { static { route 10.0.0.0/8 next-hop 192.0.2.1; } }",
        )
        .expect("base");
        let compare = base.to_text();
        let cases = [
            (
                Payload::Text("system { replace: host-name b; }".into()),
                LoadMode::Merge,
            ),
            (
                Payload::Text("system { replace: name-server 192.0.2.53; }".into()),
                LoadMode::Replace,
            ),
            (
                Payload::Text("system { host-name o; }".into()),
                LoadMode::Override,
            ),
            (
                Payload::Text("system { host-name u; }".into()),
                LoadMode::Update,
            ),
            (
                Payload::Text("set system host-name s\ndelete system domain-name".into()),
                LoadMode::Set,
            ),
            (Payload::Text("delete system nosuch".into()), LoadMode::Set),
            (
                Payload::Text("system { host-name ; }".into()),
                LoadMode::Merge,
            ),
            (
                Payload::Text(
                    "<configuration-set>set system host-name w</configuration-set>".into(),
                ),
                LoadMode::Merge,
            ),
            (
                Payload::Text(compare.replace("host-name a", "host-name p")),
                LoadMode::Patch,
            ),
            (
                Payload::Xml(
                    "<configuration><system><host-name>x</host-name></system></configuration>"
                        .into(),
                ),
                LoadMode::Merge,
            ),
            (Payload::Xml("<configuration/>".into()), LoadMode::Patch),
            (
                Payload::Json(r#"{"configuration":{"system":{"host-name":"j"}}}"#.into()),
                LoadMode::Replace,
            ),
            (Payload::Json("{}".into()), LoadMode::Set),
        ];
        for (payload, mode) in cases {
            let whole = load(&base, &payload, mode);
            let halves = parse(&payload, mode).and_then(|p| {
                let mut c = base.clone();
                c.apply_load(p)?;
                Ok(c)
            });
            match (whole, halves) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{payload:?} {mode:?}"),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{payload:?}"),
                (a, b) => panic!("{payload:?} {mode:?}: load {a:?}, parse+apply {b:?}"),
            }
        }
    }
}
