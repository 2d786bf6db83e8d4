//! The package manifest (`manifest.json`): what the app is, how it runs, what it may
//! call, and the SHA-256 of every file. Parsing is strict (`deny_unknown_fields`) and
//! [`Manifest::validate`] names the first bad field.

use serde::{Deserialize, Serialize};

use crate::error::PkgError;

/// The manifest format this crate writes and reads.
pub const FORMAT: u32 = 1;

/// Interpreters an app's entry point may name; none means the entry is an executable.
pub const INTERPRETERS: &[&str] = &["python3", "python", "bash", "sh"];

/// The package manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Manifest {
    /// Manifest format version ([`FORMAT`]).
    pub format: u32,
    /// App name: `[a-z][a-z0-9_-]*`, at most 63 characters; the app's directory and
    /// script name on the device.
    pub name: String,
    /// Version: 1 to 4 dot-separated numbers (`1.2.0`); upgrades compare them.
    pub version: String,
    /// The provider (signer) whose trusted key must verify the signature, as in Junos
    /// `system extensions providers NAME`.
    pub provider: String,
    /// Path of the entry point inside the package.
    pub entry: String,
    /// Interpreter of the entry point (one of [`INTERPRETERS`]); absent for executables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interpreter: Option<String>,
    /// Arguments given to the entry point.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arguments: Vec<String>,
    /// One-line description.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Resource limits the supervisor applies.
    #[serde(default)]
    pub limits: Limits,
    /// Operational commands the app adds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<CommandDecl>,
    /// gRPC methods the app may call on its local session: `pkg.Service/Method` or
    /// `pkg.Service/*`. Everything else is refused with PERMISSION_DENIED.
    #[serde(default)]
    pub permissions: Vec<String>,
    /// Every file of the package with its digest. Exactly these files are installed.
    pub files: Vec<FileEntry>,
}

/// Resource limits (0 = the supervisor's default).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Limits {
    /// Address-space limit in MiB.
    #[serde(default)]
    pub memory_mb: u64,
    /// CPU time limit in seconds.
    #[serde(default)]
    pub cpu_seconds: u64,
    /// Open file descriptors.
    #[serde(default)]
    pub open_files: u64,
    /// Processes (threads count on Linux).
    #[serde(default)]
    pub processes: u64,
}

/// One operational command the app adds: the CLI words and the script that answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CommandDecl {
    /// CLI words, e.g. `show hello status`.
    pub cli: String,
    /// Script (a package file) run for the command; its stdout is the output.
    pub script: String,
    /// Help text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub help: String,
}

/// One file of the package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FileEntry {
    /// Relative path inside the package ([`check_path`]).
    pub path: String,
    /// Lowercase hex SHA-256 of the content.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// True for executables (installed 0755, else 0644).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub executable: bool,
}

/// Files of the archive that are not app files.
pub const MANIFEST_FILE: &str = "manifest.json";
/// The signature file.
pub const SIGNATURE_FILE: &str = "manifest.sig";

impl Manifest {
    /// Parses and validates `manifest.json`.
    pub fn from_json(bytes: &[u8]) -> Result<Manifest, PkgError> {
        let m: Manifest = serde_json::from_slice(bytes).map_err(|e| {
            // serde names unknown and missing fields in its message.
            PkgError::manifest("manifest.json", e.to_string())
        })?;
        m.validate()?;
        Ok(m)
    }

    /// The manifest as the bytes that are signed (pretty JSON, newline at the end).
    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }

    /// Checks every field; the error names the first bad one.
    pub fn validate(&self) -> Result<(), PkgError> {
        if self.format != FORMAT {
            return Err(PkgError::manifest(
                "format",
                format!(
                    "unsupported format {} (this device reads {FORMAT})",
                    self.format
                ),
            ));
        }
        check_name("name", &self.name)?;
        parse_version(&self.version).map_err(|r| PkgError::manifest("version", r))?;
        check_name("provider", &self.provider)?;
        check_path(&self.entry).map_err(|r| PkgError::manifest("entry", r))?;
        if let Some(i) = &self.interpreter {
            if !INTERPRETERS.contains(&i.as_str()) {
                return Err(PkgError::manifest(
                    "interpreter",
                    format!(
                        "unknown interpreter '{i}' (one of: {})",
                        INTERPRETERS.join(", ")
                    ),
                ));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for (i, f) in self.files.iter().enumerate() {
            check_path(&f.path).map_err(|r| PkgError::manifest(format!("files[{i}].path"), r))?;
            if f.sha256.len() != 64 || !f.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(PkgError::manifest(
                    format!("files[{i}].sha256"),
                    format!("'{}' is not 64 hex digits", f.sha256),
                ));
            }
            if !seen.insert(f.path.as_str()) {
                return Err(PkgError::manifest(
                    format!("files[{i}].path"),
                    format!("'{}' listed twice", f.path),
                ));
            }
        }
        let Some(entry) = self.files.iter().find(|f| f.path == self.entry) else {
            return Err(PkgError::manifest(
                "entry",
                format!("'{}' is not one of the package's files", self.entry),
            ));
        };
        if self.interpreter.is_none() && !entry.executable {
            return Err(PkgError::manifest(
                "entry",
                format!("'{}' has no interpreter and is not executable", self.entry),
            ));
        }
        for (i, c) in self.commands.iter().enumerate() {
            let words: Vec<&str> = c.cli.split_whitespace().collect();
            if words.len() < 2 || !matches!(words[0], "show" | "request") {
                return Err(PkgError::manifest(
                    format!("commands[{i}].cli"),
                    format!("'{}' must be 'show ...' or 'request ...' words", c.cli),
                ));
            }
            if !seen.contains(c.script.as_str()) {
                return Err(PkgError::manifest(
                    format!("commands[{i}].script"),
                    format!("'{}' is not one of the package's files", c.script),
                ));
            }
        }
        for (i, p) in self.permissions.iter().enumerate() {
            check_permission(p).map_err(|r| PkgError::manifest(format!("permissions[{i}]"), r))?;
        }
        Ok(())
    }

    /// True when the manifest allows the gRPC method `path` (`/pkg.Service/Method`).
    pub fn permits(&self, path: &str) -> bool {
        permits(&self.permissions, path)
    }
}

/// True when one of `permissions` (`pkg.Service/Method` or `pkg.Service/*`) covers the
/// gRPC method `path` (`/pkg.Service/Method`, the leading slash optional).
pub fn permits(permissions: &[String], path: &str) -> bool {
    let path = path.strip_prefix('/').unwrap_or(path);
    let Some((service, _)) = path.split_once('/') else {
        return false;
    };
    permissions.iter().any(|p| match p.strip_suffix("/*") {
        Some(svc) => svc == service,
        None => p == path,
    })
}

fn check_permission(p: &str) -> Result<(), String> {
    let Some((service, method)) = p.split_once('/') else {
        return Err(format!(
            "'{p}' is not 'package.Service/Method' or 'package.Service/*'"
        ));
    };
    let ident = |s: &str| {
        !s.is_empty()
            && s.split('.').all(|part| {
                !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            })
    };
    if !service.contains('.') || !ident(service) || (method != "*" && !ident(method)) {
        return Err(format!(
            "'{p}' is not 'package.Service/Method' or 'package.Service/*'"
        ));
    }
    Ok(())
}

/// Checks an app or provider name: `[a-z][a-z0-9_-]*`, at most 63 characters.
pub fn check_name(field: &str, name: &str) -> Result<(), PkgError> {
    let ok = name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(PkgError::manifest(
            field,
            format!(
                "'{name}' must be a lowercase letter then letters, digits, '-' or '_' (at most 63)"
            ),
        ))
    }
}

/// Parses a version: 1 to 4 dot-separated decimal numbers. Versions compare as these
/// number lists.
pub fn parse_version(v: &str) -> Result<Vec<u64>, String> {
    let parts: Result<Vec<u64>, _> = v
        .split('.')
        .map(|p| {
            if p.is_empty() || p.len() > 9 || !p.bytes().all(|b| b.is_ascii_digit()) {
                Err(())
            } else {
                p.parse::<u64>().map_err(|_| ())
            }
        })
        .collect();
    match parts {
        Ok(p) if (1..=4).contains(&p.len()) => Ok(p),
        _ => Err(format!(
            "'{v}' is not 1 to 4 dot-separated numbers (e.g. 1.2.0)"
        )),
    }
}

/// Checks a file path inside a package: relative, `/`-separated, no `.`/`..`/empty
/// component, no backslash or control character, at most 255 bytes, not one of the
/// archive's own files. Such a path cannot name anything outside the package directory.
pub fn check_path(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("empty path");
    }
    if path.len() > 255 {
        return Err("longer than 255 bytes");
    }
    if path.starts_with('/') {
        return Err("absolute path");
    }
    if path.chars().any(|c| c == '\\' || c.is_control()) {
        return Err("backslash or control character");
    }
    for comp in path.split('/') {
        match comp {
            "" => return Err("empty path component"),
            "." | ".." => return Err("'.' or '..' component"),
            _ => {}
        }
    }
    if path == MANIFEST_FILE || path == SIGNATURE_FILE {
        return Err("reserved for the package's manifest and signature");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Manifest {
        Manifest {
            format: FORMAT,
            name: "hello".into(),
            version: "1.0.0".into(),
            provider: "acme".into(),
            entry: "hello.py".into(),
            interpreter: Some("python3".into()),
            arguments: vec![],
            description: String::new(),
            limits: Limits::default(),
            commands: vec![CommandDecl {
                cli: "show hello status".into(),
                script: "hello.py".into(),
                help: String::new(),
            }],
            permissions: vec!["jnx.jet.management.Management/OpCommandGet".into()],
            files: vec![FileEntry {
                path: "hello.py".into(),
                sha256: "0".repeat(64),
                size: 0,
                executable: false,
            }],
        }
    }

    #[test]
    fn manifest_round_trips_through_json() {
        let m = sample();
        assert_eq!(Manifest::from_json(&m.to_json()).expect("parses"), m);
    }

    #[test]
    fn unknown_field_is_named() {
        let mut v: serde_json::Value = serde_json::from_slice(&sample().to_json()).expect("json");
        v["colour"] = "blue".into();
        let e = Manifest::from_json(v.to_string().as_bytes()).expect_err("refused");
        assert!(e.to_string().contains("colour"), "{e}");
    }

    #[test]
    fn bad_fields_are_named() {
        let mut m = sample();
        m.version = "1.x".into();
        assert!(m
            .validate()
            .expect_err("bad")
            .to_string()
            .contains("'version'"));
        let mut m = sample();
        m.entry = "other.py".into();
        assert!(m
            .validate()
            .expect_err("bad")
            .to_string()
            .contains("'entry'"));
        let mut m = sample();
        m.files[0].path = "../evil".into();
        let e = m.validate().expect_err("bad").to_string();
        assert!(e.contains("files[0].path") && e.contains(".."), "{e}");
        let mut m = sample();
        m.interpreter = Some("perl".into());
        assert!(m
            .validate()
            .expect_err("bad")
            .to_string()
            .contains("interpreter"));
        let mut m = sample();
        m.permissions.push("OpCommandGet".into());
        assert!(m
            .validate()
            .expect_err("bad")
            .to_string()
            .contains("permissions[1]"));
        let mut m = sample();
        m.name = "Hello".into();
        assert!(m
            .validate()
            .expect_err("bad")
            .to_string()
            .contains("'name'"));
    }

    #[test]
    fn unsafe_paths_are_refused() {
        for p in [
            "/etc/passwd",
            "a/../../b",
            "..",
            "./a",
            "a//b",
            "a\\b",
            "manifest.json",
            "",
        ] {
            assert!(check_path(p).is_err(), "{p}");
        }
        for p in ["a", "lib/x.py", "a..b", ".hidden"] {
            assert!(check_path(p).is_ok(), "{p}");
        }
    }

    #[test]
    fn permissions_match_methods_and_wildcards() {
        let p = vec![
            "jnx.jet.management.Management/OpCommandGet".to_string(),
            "jnx.jet.routing.rib.Rib/*".to_string(),
        ];
        assert!(permits(&p, "/jnx.jet.management.Management/OpCommandGet"));
        assert!(permits(&p, "/jnx.jet.routing.rib.Rib/RouteAdd"));
        assert!(!permits(&p, "/jnx.jet.management.Management/ConfigSet"));
        assert!(!permits(&p, "/jnx.jet.routing.rib.RibX/RouteAdd"));
        assert!(!permits(&p, "garbage"));
    }

    #[test]
    fn versions_compare_numerically() {
        assert!(parse_version("1.10.0").expect("v") > parse_version("1.9.9").expect("v"));
        assert!(parse_version("1.2.3.4.5").is_err());
        assert!(parse_version("").is_err());
    }
}
