//! The package store on disk, blocking functions called by the packages task only.
//!
//! ```text
//!  DATA/packages/NAME/VERSION/      an installed version: its files, manifest.json, manifest.sig
//!  DATA/packages/state.json         {NAME: {version, previous?, installed}} (written atomically)
//!  DATA/packages/.staging/N/        a package being checked (removed on any failure)
//!  DATA/scripts/jet/NAME            symlink to the active version's directory
//!  DATA/certs/providers/NAME.pub    trusted provider keys
//! ```
//!
//! Every change is ordered so that a failure leaves the previous state: unpack and check
//! in staging, rename into place, switch the symlink (atomic rename), write state.json
//! (atomic rename); on an error the steps done are undone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use jet_pkg::{Manifest, PkgError, PublicKey, TrustDir, TrustStore, UnpackLimits};
use serde::{Deserialize, Serialize};

use crate::error::DeviceError;

/// One installed package as recorded in state.json.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct Record {
    pub(crate) version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) previous: Option<String>,
    /// RFC 3339.
    pub(crate) installed: String,
}

impl Record {
    pub(crate) fn installed_at(&self) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&self.installed)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }
}

/// Paths of the store within a data directory.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub(crate) packages: PathBuf,
    pub(crate) scripts: PathBuf,
    pub(crate) providers: PathBuf,
}

impl Layout {
    pub(crate) fn new(data: &Path) -> Layout {
        Layout {
            packages: data.join("packages"),
            scripts: data.join("scripts").join("jet"),
            providers: data.join("certs").join("providers"),
        }
    }

    pub(crate) fn version_dir(&self, name: &str, version: &str) -> PathBuf {
        self.packages.join(name).join(version)
    }

    fn state_file(&self) -> PathBuf {
        self.packages.join("state.json")
    }

    pub(crate) fn link(&self, name: &str) -> PathBuf {
        self.scripts.join(name)
    }
}

/// Trusted keys: providers configured under `system extensions providers` whose key
/// file is in `DATA/certs/providers`.
pub(crate) struct DeviceTrust {
    pub(crate) dir: TrustDir,
    pub(crate) configured: Vec<String>,
}

impl TrustStore for DeviceTrust {
    fn key(&self, provider: &str) -> Result<PublicKey, PkgError> {
        if !self.configured.iter().any(|p| p == provider) {
            return Err(PkgError::ProviderNotConfigured(provider.into()));
        }
        self.dir.key(provider)
    }
}

/// What an install did.
#[derive(Debug, Clone)]
pub struct Installed {
    /// The verified manifest.
    pub manifest: Arc<Manifest>,
    /// The signing key's id.
    pub key_id: String,
    /// The version it replaced, now kept for a rollback during probation.
    pub upgraded_from: Option<String>,
    /// Where the active version is linked (`DATA/scripts/jet/NAME`).
    pub link: PathBuf,
    /// Time spent unpacking and checking (signature and digests).
    pub verify_time: std::time::Duration,
    /// The probation window of an upgrade.
    pub probation: Option<std::time::Duration>,
}

pub(crate) fn load_state(l: &Layout) -> Result<BTreeMap<String, Record>, DeviceError> {
    let path = l.state_file();
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            DeviceError::io(
                format!("{}", path.display()),
                std::io::Error::new(std::io::ErrorKind::InvalidData, e),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(e) => Err(DeviceError::io(format!("{}", path.display()), e)),
    }
}

pub(crate) fn read_manifest(
    l: &Layout,
    name: &str,
    version: &str,
) -> Result<Manifest, DeviceError> {
    let path = l.version_dir(name, version).join(jet_pkg::MANIFEST_FILE);
    let bytes = std::fs::read(&path).map_err(|e| DeviceError::io(path.display().to_string(), e))?;
    Manifest::from_json(&bytes).map_err(|reason| DeviceError::PackageRefused {
        package: path.display().to_string(),
        reason,
    })
}

fn write_state(l: &Layout, state: &BTreeMap<String, Record>) -> Result<(), DeviceError> {
    let path = l.state_file();
    let bytes = serde_json::to_vec_pretty(state).unwrap_or_default();
    atomic_write(&path, &bytes).map_err(|e| DeviceError::io(format!("{}", path.display()), e))
}

fn atomic_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent() {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// Points `DATA/scripts/jet/NAME` at `version` (a new symlink renamed over the old one).
fn switch_link(l: &Layout, name: &str, version: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(&l.scripts)?;
    let target = Path::new("../../packages").join(name).join(version);
    let tmp = l.scripts.join(format!(".{name}.new"));
    let _ = std::fs::remove_file(&tmp);
    std::os::unix::fs::symlink(&target, &tmp)?;
    std::fs::rename(&tmp, l.link(name))
}

fn remove_dir(p: &Path) {
    if let Err(e) = std::fs::remove_dir_all(p) {
        if e.kind() != std::io::ErrorKind::NotFound {
            tracing::warn!("removing {}: {e}", p.display());
        }
    }
}

static STAGING_SEQ: AtomicU64 = AtomicU64::new(0);

/// Checks the package at `src` and installs it (see the module doc for the order).
pub(crate) fn install(
    l: &Layout,
    state: &mut BTreeMap<String, Record>,
    src: &Path,
    label: &str,
    trust: &DeviceTrust,
    limits: UnpackLimits,
) -> Result<Installed, DeviceError> {
    let refused = |reason| DeviceError::PackageRefused {
        package: label.to_string(),
        reason,
    };
    let staging_root = l.packages.join(".staging");
    let staging = staging_root.join(format!(
        "{}-{}",
        std::process::id(),
        STAGING_SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&staging)
        .map_err(|e| DeviceError::io(staging.display().to_string(), e))?;
    let started = std::time::Instant::now();
    let checked = std::fs::File::open(src)
        .map_err(|source| PkgError::Io {
            path: src.to_owned(),
            source,
        })
        .and_then(|f| jet_pkg::unpack_verified(std::io::BufReader::new(f), &staging, trust, limits))
        .and_then(|m| Ok((trust.key(&m.provider)?.key_id(), m)));
    let verify_time = started.elapsed();
    let (key_id, manifest) = match checked {
        Ok(x) => x,
        Err(e) => {
            remove_dir(&staging);
            return Err(refused(e));
        }
    };
    let name = manifest.name.clone();
    let version = manifest.version.clone();
    let old = state.get(&name).cloned();
    if old
        .as_ref()
        .is_some_and(|r| r.version == version || r.previous.as_deref() == Some(&version))
    {
        remove_dir(&staging);
        return Err(DeviceError::PackageInstalled { name, version });
    }
    let dest = l.version_dir(&name, &version);
    let placed = std::fs::create_dir_all(l.packages.join(&name))
        .and_then(|()| std::fs::rename(&staging, &dest));
    if let Err(e) = placed {
        remove_dir(&staging);
        return Err(DeviceError::io(format!("installing {}", dest.display()), e));
    }
    if let Err(e) = switch_link(l, &name, &version) {
        remove_dir(&dest);
        if let Some(r) = &old {
            let _ = switch_link(l, &name, &r.version);
        }
        return Err(DeviceError::io(
            format!("linking {}", l.link(&name).display()),
            e,
        ));
    }
    let record = Record {
        version: version.clone(),
        previous: old.as_ref().map(|r| r.version.clone()),
        installed: Utc::now().to_rfc3339(),
    };
    state.insert(name.clone(), record);
    if let Err(e) = write_state(l, state) {
        // Undo: the old record, its link, no new directory.
        match &old {
            Some(r) => {
                state.insert(name.clone(), r.clone());
                let _ = switch_link(l, &name, &r.version);
            }
            None => {
                state.remove(&name);
                let _ = std::fs::remove_file(l.link(&name));
            }
        }
        remove_dir(&dest);
        return Err(e);
    }
    // An upgrade during a probation replaces the version on probation: the version
    // before it is no longer kept.
    if let Some(gone) = old.as_ref().and_then(|r| r.previous.as_ref()) {
        remove_dir(&l.version_dir(&name, gone));
    }
    Ok(Installed {
        manifest: Arc::new(manifest),
        key_id,
        upgraded_from: old.map(|r| r.version),
        link: l.link(&name),
        verify_time,
        probation: None,
    })
}

/// Removes a package: its link, every version, its record.
pub(crate) fn delete(
    l: &Layout,
    state: &mut BTreeMap<String, Record>,
    name: &str,
) -> Result<Record, DeviceError> {
    let Some(record) = state.remove(name) else {
        return Err(DeviceError::UnknownPackage { name: name.into() });
    };
    if let Err(e) = write_state(l, state) {
        state.insert(name.into(), record);
        return Err(e);
    }
    let _ = std::fs::remove_file(l.link(name));
    remove_dir(&l.packages.join(name));
    Ok(record)
}

/// Restores the previous version of `name` after a failed probation.
pub(crate) fn roll_back(
    l: &Layout,
    state: &mut BTreeMap<String, Record>,
    name: &str,
) -> Result<String, DeviceError> {
    let Some(record) = state.get(name).cloned() else {
        return Err(DeviceError::UnknownPackage { name: name.into() });
    };
    let Some(previous) = record.previous.clone() else {
        return Ok(record.version);
    };
    switch_link(l, name, &previous)
        .map_err(|e| DeviceError::io(format!("linking {}", l.link(name).display()), e))?;
    let restored = Record {
        version: previous.clone(),
        previous: None,
        installed: record.installed.clone(),
    };
    state.insert(name.into(), restored);
    if let Err(e) = write_state(l, state) {
        state.insert(name.into(), record.clone());
        let _ = switch_link(l, name, &record.version);
        return Err(e);
    }
    remove_dir(&l.version_dir(name, &record.version));
    Ok(previous)
}

/// Keeps the version on probation: the previous one is removed.
pub(crate) fn keep(
    l: &Layout,
    state: &mut BTreeMap<String, Record>,
    name: &str,
) -> Result<(), DeviceError> {
    let Some(record) = state.get_mut(name) else {
        return Ok(());
    };
    let Some(previous) = record.previous.take() else {
        return Ok(());
    };
    if let Err(e) = write_state(l, state) {
        if let Some(r) = state.get_mut(name) {
            r.previous = Some(previous);
        }
        return Err(e);
    }
    remove_dir(&l.version_dir(name, &previous));
    Ok(())
}

/// Removes what an interrupted install or upload left behind.
pub(crate) fn clean_staging(l: &Layout) {
    remove_dir(&l.packages.join(".staging"));
    remove_dir(&l.packages.join(".uploads"));
}
