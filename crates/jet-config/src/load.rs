//! `load merge | replace | override | update | set`: a new candidate from a payload.

use crate::config::{Config, LoadMode};
use crate::error::ConfigError;
use crate::schema;
use crate::{text, tree};

impl Config {
    /// The configuration that results from loading `payload` onto this one, Junos
    /// style. This configuration is not changed; on error nothing is returned.
    ///
    /// - `Merge`: curly-brace text merged in (leaves replaced, lists and leaf-lists
    ///   extended).
    /// - `Replace`: like merge, but each statement tagged `replace:` first loses its
    ///   current contents, so the payload's version replaces it whole.
    /// - `Override`, `Update`: the payload is the whole new configuration.
    /// - `Set`: `set`/`delete`/`edit`/`up`/`top`/`exit` lines applied in order.
    pub fn load(&self, payload: &str, mode: LoadMode) -> Result<Config, ConfigError> {
        match mode {
            LoadMode::Merge => {
                let other = Config::parse_text(payload)?;
                let mut c = self.clone();
                c.merge(&other);
                Ok(c)
            }
            LoadMode::Replace => {
                let parsed = text::parse(payload)?;
                let mut c = self.clone();
                for steps in &parsed.replaces {
                    tree::clear_at(&mut c.children, steps);
                }
                tree::merge_children(&mut c.children, &parsed.children, schema::ROOT);
                Ok(c)
            }
            LoadMode::Override | LoadMode::Update => Config::parse_text(payload),
            LoadMode::Set => {
                let mut c = self.clone();
                c.apply_set(payload)?;
                Ok(c)
            }
        }
    }
}
