//! The commit check of `system extensions extension-service application`: refuses a
//! configuration whose applications could not be started. Every refusal names the
//! application and the bad thing (missing file, checksum mismatch, unknown user or
//! interpreter).

use std::io::Read as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use jet_config::{ChecksumAlgo, Config};
use sha2::{Digest as _, Sha256};

use crate::spec::{find_in_path, AppSource, AppSpec, OsUser, DEFAULT_USER};

/// Users an application may act as besides `system login user`: `root` (super-user)
/// and `nobody` (read-only), as on Junos.
pub const BUILTIN_USERS: &[&str] = &["root", DEFAULT_USER];

/// Checks every configured application of `config`. Blocking (reads files).
pub fn check(
    config: &Config,
    data_dir: &Path,
    source: Option<&dyn AppSource>,
) -> Result<(), String> {
    let users = config.users();
    for spec in AppSpec::all(config, data_dir, source) {
        let at = format!(
            "[edit system extensions extension-service application file {}]",
            spec.name
        );
        // A Junos login user (its class on the device), a built-in one, or an account
        // of the host (run as that account when jetd is root; class read-only).
        if !BUILTIN_USERS.contains(&spec.username.as_str())
            && !users.iter().any(|u| u.name == spec.username)
            && OsUser::lookup(&spec.username).is_none()
        {
            return Err(format!(
                "{at} username '{}': no such user (neither a system login user nor an \
                 account of this host)",
                spec.username
            ));
        }
        if let Some(i) = spec.interpreter_program() {
            if find_in_path(&i).is_none() {
                return Err(format!(
                    "{at} interpreter '{}': not installed on this host",
                    spec.interpreter.as_deref().unwrap_or(&i)
                ));
            }
        }
        let meta = match std::fs::metadata(&spec.path) {
            Ok(m) if m.is_file() => m,
            _ if spec.optional => continue,
            _ => return Err(format!("{at} file {} not found", spec.path.display())),
        };
        if spec.interpreter.is_none() && meta.permissions().mode() & 0o111 == 0 {
            return Err(format!(
                "{at} file {} is not executable and no interpreter is configured",
                spec.path.display()
            ));
        }
        if let Some((algo, want)) = &spec.cfg.checksum {
            if *algo != ChecksumAlgo::Sha256 {
                return Err(format!(
                    "{at} checksum {}: not supported by OpenJET, use sha-256",
                    algo.as_str()
                ));
            }
            let got = sha256_file(&spec.path)
                .map_err(|e| format!("{at} cannot read {}: {e}", spec.path.display()))?;
            if &got != want {
                return Err(format!(
                    "{at} checksum sha-256 mismatch for {}: configured {want}, file has {got}",
                    spec.path.display()
                ));
            }
        }
    }
    Ok(())
}

/// The SHA-256 of a file, lowercase hex.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = [0u8; 64 * 1024];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}
