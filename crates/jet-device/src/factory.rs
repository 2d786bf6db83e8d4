//! The factory configuration written into an empty data directory, and password hashing.
//!
//! Secure first start: everything listens on loopback only, and the one super-user,
//! `admin`, gets a random password that is printed once and kept in a file only the
//! owner can read. There is no built-in password.

use std::io::Write as _;
use std::path::Path;

use rand::distributions::Alphanumeric;
use rand::Rng as _;

use crate::error::DeviceError;

/// File (in the data directory) holding the generated admin password.
pub const ADMIN_PASSWORD_FILE: &str = "initial-admin-password";

/// Length of the generated admin password (alphanumeric: ~119 bits).
const PASSWORD_LEN: usize = 20;

/// The factory configuration, with the admin password hash filled in.
pub fn factory_config(admin_hash: &str) -> String {
    format!(
        r#"system {{
    host-name jetd;
    login {{
        user admin {{
            uid 2000;
            class super-user;
            authentication {{
                encrypted-password "{admin_hash}";
            }}
        }}
    }}
    services {{
        extension-service {{
            request-response {{
                grpc {{
                    clear-text {{
                        address 127.0.0.1;
                        port 32767;
                    }}
                    max-connections 8;
                }}
            }}
            notification {{
                port 1883;
                address 127.0.0.1;
                allow-clients {{
                    address 127.0.0.1/32;
                }}
            }}
        }}
    }}
}}
"#
    )
}

/// A fresh random password.
pub fn random_password() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(PASSWORD_LEN)
        .map(char::from)
        .collect()
}

/// Hashes a password the way Junos stores it: SHA-512 crypt (`$6$salt$hash`).
pub fn hash_password(password: &str) -> String {
    // Default rounds (5000) give the plain `$6$salt$...` form Junos writes.
    match sha_crypt::Sha512Params::new(sha_crypt::ROUNDS_DEFAULT) {
        Ok(params) => match sha_crypt::sha512_simple(password, &params) {
            Ok(h) => h,
            // Only fails when the OS random source fails; nothing sensible to store then.
            Err(e) => panic_free_fallback(&format!("{e:?}")),
        },
        Err(e) => panic_free_fallback(&format!("{e:?}")),
    }
}

/// A hash that matches no password. Used only if the OS cannot give us randomness.
fn panic_free_fallback(why: &str) -> String {
    tracing::error!(error = why, "cannot hash password; the account is locked");
    "*LOCKED*".to_owned()
}

/// Checks a password against a crypt hash (`$6$`, `$5$`). Constant-time comparison is done
/// by the crypt crate.
pub fn verify_password(password: &str, hash: &str) -> bool {
    if hash.starts_with("$6$") {
        sha_crypt::sha512_check(password, hash).is_ok()
    } else if hash.starts_with("$5$") {
        sha_crypt::sha256_check(password, hash).is_ok()
    } else {
        false
    }
}

/// Writes the admin password to `DATA/initial-admin-password`, readable by the owner only.
pub fn write_password_file(data_dir: &Path, password: &str) -> Result<(), DeviceError> {
    let path = data_dir.join(ADMIN_PASSWORD_FILE);
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(&path)
        .map_err(|e| DeviceError::io(format!("{}", path.display()), e))?;
    f.write_all(format!("{password}\n").as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| DeviceError::io(format!("{}", path.display()), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_password_verifies_and_wrong_one_does_not() {
        let h = hash_password("s3cret-pass");
        assert!(h.starts_with("$6$"), "{h}");
        assert!(verify_password("s3cret-pass", &h));
        assert!(!verify_password("s3cret-pasS", &h));
    }

    #[test]
    fn unknown_hash_schemes_never_verify() {
        assert!(!verify_password("x", "plain"));
        assert!(!verify_password("x", "$1$abc$def"));
        assert!(!verify_password("", ""));
    }

    #[test]
    fn random_passwords_differ_and_are_long() {
        let a = random_password();
        let b = random_password();
        assert_eq!(a.len(), PASSWORD_LEN);
        assert_ne!(a, b);
    }

    #[test]
    fn factory_config_parses_and_validates() {
        let text = factory_config(&hash_password("pw"));
        let cfg = jet_config::Config::parse_text(&text).expect("factory config parses");
        cfg.validate().expect("factory config validates");
        let jsd = cfg.jsd();
        assert_eq!(jsd.max_connections, 8);
        let ct = jsd.clear_text.expect("clear-text listener");
        assert_eq!(ct.port, 32767);
        assert!(ct.address.is_loopback());
    }

    #[cfg(unix)]
    #[test]
    fn password_file_is_owner_only() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().expect("tempdir");
        write_password_file(dir.path(), "pw").expect("write");
        let meta = std::fs::metadata(dir.path().join(ADMIN_PASSWORD_FILE)).expect("meta");
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }
}
