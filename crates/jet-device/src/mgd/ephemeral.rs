//! The ephemeral database: instances of configuration that overlay the committed one
//! (the effective configuration subsystems use), are not in the rollback history, and
//! survive a restart (`DATA/config/ephemeral/<instance>`, written atomically).
//!
//! The default instance always exists (empty name on the wire); named instances must be
//! configured under `system configuration-database ephemeral instance NAME`. Precedence,
//! as Junos: the default instance wins over named instances, which win over the static
//! configuration; between named instances the one configured first wins.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use jet_config::Config;

use crate::error::DeviceError;

/// Key of the default instance (file name under `ephemeral/`).
pub const DEFAULT_INSTANCE: &str = "default";

/// The instances and their contents.
pub(crate) type Instances = BTreeMap<String, Config>;

/// The directory of instance files. Blocking `std::fs`; mgd calls it on the blocking pool.
#[derive(Debug, Clone)]
pub(crate) struct EphemeralFiles {
    dir: PathBuf,
}

impl EphemeralFiles {
    /// Opens `config_dir/ephemeral`, removes temp files an interrupted write left, and
    /// reads every instance. A file that no longer parses is reported, not ignored.
    pub(crate) fn open(config_dir: &Path) -> Result<(EphemeralFiles, Instances), DeviceError> {
        let dir = config_dir.join("ephemeral");
        fs::create_dir_all(&dir)
            .map_err(|e| DeviceError::io(format!("creating {}", dir.display()), e))?;
        let mut instances = Instances::new();
        let entries = fs::read_dir(&dir)
            .map_err(|e| DeviceError::io(format!("reading {}", dir.display()), e))?;
        for entry in entries {
            let entry =
                entry.map_err(|e| DeviceError::io(format!("reading {}", dir.display()), e))?;
            let path = entry.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
                continue;
            };
            if name.ends_with(".tmp") {
                fs::remove_file(&path)
                    .map_err(|e| DeviceError::io(format!("removing {}", path.display()), e))?;
                continue;
            }
            if !valid_name(&name) {
                continue;
            }
            let text = fs::read_to_string(&path)
                .map_err(|e| DeviceError::io(format!("reading {}", path.display()), e))?;
            let cfg = Config::parse_text(&text)?;
            instances.insert(name, cfg);
        }
        Ok((EphemeralFiles { dir }, instances))
    }

    /// Writes (or, for an empty configuration, removes) one instance, durably.
    pub(crate) fn write(&self, name: &str, cfg: &Config) -> Result<(), DeviceError> {
        let path = self.dir.join(name);
        if cfg.is_empty() {
            match fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(DeviceError::io(format!("removing {}", path.display()), e)),
            }
            return sync_dir(&self.dir);
        }
        let tmp = self.dir.join(format!(".{name}.tmp"));
        let io = |what: &str, e| DeviceError::io(format!("{what} {}", tmp.display()), e);
        let mut opts = fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp).map_err(|e| io("creating", e))?;
        f.write_all(cfg.to_text().as_bytes())
            .and_then(|()| f.sync_all())
            .map_err(|e| io("writing", e))?;
        fs::rename(&tmp, &path).map_err(|e| io("renaming", e))?;
        sync_dir(&self.dir)
    }
}

fn sync_dir(dir: &Path) -> Result<(), DeviceError> {
    #[cfg(unix)]
    fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| DeviceError::io(format!("syncing {}", dir.display()), e))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Instance names usable as file names: letters, digits, `-`, `_`, up to 64 characters.
pub(crate) fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The instance key for a wire name (empty = default), checked against the configured
/// instances.
pub(crate) fn instance_key(name: &str, configured: &[String]) -> Result<String, DeviceError> {
    if name.is_empty() || name == DEFAULT_INSTANCE {
        return Ok(DEFAULT_INSTANCE.to_owned());
    }
    if !valid_name(name) || !configured.iter().any(|c| c == name) {
        return Err(DeviceError::UnknownInstance {
            name: name.to_owned(),
        });
    }
    Ok(name.to_owned())
}

/// Named instances configured under `system configuration-database ephemeral
/// instance`, in configuration order.
pub(crate) fn configured_instances(cfg: &Config) -> Vec<String> {
    cfg.ephemeral_instances()
}

/// The effective configuration: `committed` with the instances laid over it.
pub(crate) fn overlay(committed: &Config, instances: &Instances, configured: &[String]) -> Config {
    let mut eff = committed.clone();
    for name in configured.iter().rev() {
        if let Some(c) = instances.get(name) {
            eff.merge(c);
        }
    }
    if let Some(c) = instances.get(DEFAULT_INSTANCE) {
        eff.merge(c);
    }
    eff
}

/// The statement words of an ephemeral path: `/`, `/configuration`, `/system/services`
/// and `/configuration/system/services` are accepted.
pub(crate) fn path_words(path: &str) -> Result<Vec<String>, DeviceError> {
    let trimmed = path.trim();
    if !trimmed.starts_with('/') && !trimmed.is_empty() {
        return Err(DeviceError::InvalidEphemeralPath {
            path: path.to_owned(),
            reason: "paths start with '/'",
        });
    }
    let mut words: Vec<String> = trimmed
        .split('/')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    if words.first().is_some_and(|w| w == "configuration") {
        words.remove(0);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_files_round_trip_and_temp_files_are_removed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (files, none) = EphemeralFiles::open(dir.path()).expect("opens");
        assert!(none.is_empty());
        let cfg = Config::parse_text("system { host-name eph; }").expect("parses");
        files.write(DEFAULT_INSTANCE, &cfg).expect("writes");
        fs::write(dir.path().join("ephemeral/.x.tmp"), "junk").expect("junk");
        let (_, back) = EphemeralFiles::open(dir.path()).expect("reopens");
        assert_eq!(back.get(DEFAULT_INSTANCE), Some(&cfg));
        assert!(!dir.path().join("ephemeral/.x.tmp").exists());
        files
            .write(DEFAULT_INSTANCE, &Config::default())
            .expect("removes");
        assert!(!dir.path().join("ephemeral/default").exists());
    }

    #[test]
    fn default_instance_wins_over_the_committed_configuration() {
        let committed =
            Config::parse_text("system { host-name a; domain-name x.net; }").expect("c");
        let mut inst = Instances::new();
        inst.insert(
            DEFAULT_INSTANCE.into(),
            Config::parse_text("system { host-name b; }").expect("e"),
        );
        let eff = overlay(&committed, &inst, &[]);
        assert_eq!(eff.host_name(), Some("b"));
        assert!(eff.to_text().contains("domain-name x.net;"));
    }

    #[test]
    fn names_and_paths_are_checked() {
        assert_eq!(instance_key("", &[]).expect("default"), DEFAULT_INSTANCE);
        assert!(instance_key("../etc", &["../etc".into()]).is_err());
        assert!(instance_key("eph1", &[]).is_err());
        assert_eq!(instance_key("eph1", &["eph1".into()]).expect("ok"), "eph1");
        assert_eq!(path_words("/").expect("ok"), Vec::<String>::new());
        assert_eq!(
            path_words("/configuration/system/services").expect("ok"),
            vec!["system", "services"]
        );
        assert!(path_words("system").is_err());
    }
}
