//! Package archives: building a signed `.tgz` from an app directory, and unpacking one
//! into a fresh directory while checking it (paths, entry kinds, sizes, signature,
//! every file's SHA-256).
//!
//! Archive layout: `manifest.json`, `manifest.sig`, then the app files at their
//! manifest paths, all regular files with fixed owner and time (builds are
//! reproducible). Nothing but regular files and directories is accepted on unpack.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::PkgError;
use crate::hex;
use crate::keys::{PublicKey, Signature, SigningKey};
use crate::manifest::{
    check_path, CommandDecl, FileEntry, Limits, Manifest, FORMAT, MANIFEST_FILE, SIGNATURE_FILE,
};

/// The app description a developer writes (`jet.json` in the app directory): the
/// manifest without `format` and `files`, plus which files to include.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AppSpec {
    /// See [`Manifest::name`].
    pub name: String,
    /// See [`Manifest::version`].
    pub version: String,
    /// See [`Manifest::provider`].
    pub provider: String,
    /// See [`Manifest::entry`].
    pub entry: String,
    /// See [`Manifest::interpreter`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interpreter: Option<String>,
    /// See [`Manifest::arguments`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arguments: Vec<String>,
    /// See [`Manifest::description`].
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// See [`Manifest::limits`].
    #[serde(default)]
    pub limits: Limits,
    /// See [`Manifest::commands`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<CommandDecl>,
    /// See [`Manifest::permissions`].
    #[serde(default)]
    pub permissions: Vec<String>,
    /// Files and directories (relative to the app directory) to package. Empty: every
    /// file except `jet.json`, hidden files and directories, `target/` and `*.tgz`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
}

/// The app description file's name.
pub const SPEC_FILE: &str = "jet.json";

/// Limits applied while unpacking.
#[derive(Debug, Clone, Copy)]
pub struct UnpackLimits {
    /// Total bytes of all entries, unpacked.
    pub max_bytes: u64,
    /// Number of entries.
    pub max_entries: u64,
}

impl Default for UnpackLimits {
    fn default() -> Self {
        UnpackLimits {
            max_bytes: 256 << 20,
            max_entries: 10_000,
        }
    }
}

/// What a build produced.
#[derive(Debug, Clone)]
pub struct Built {
    /// The signed manifest.
    pub manifest: Manifest,
    /// The archive's size in bytes.
    pub size: u64,
}

/// A step of a build, for progress display.
#[derive(Debug, Clone)]
pub enum Progress<'a> {
    /// A file was hashed.
    Hashed {
        /// Its package path.
        path: &'a str,
        /// Its size.
        size: u64,
    },
    /// The manifest was signed.
    Signed {
        /// The key id.
        key_id: &'a str,
    },
    /// A file was written into the archive.
    Archived {
        /// Its package path.
        path: &'a str,
    },
}

impl AppSpec {
    /// Reads `jet.json` of an app directory.
    pub fn read(dir: &Path) -> Result<AppSpec, PkgError> {
        let path = dir.join(SPEC_FILE);
        let bytes = std::fs::read(&path).map_err(PkgError::io(&path))?;
        serde_json::from_slice(&bytes).map_err(|e| PkgError::manifest(SPEC_FILE, e.to_string()))
    }

    /// The files to package: (package path, file on disk), sorted by path.
    pub fn files(&self, dir: &Path) -> Result<Vec<(String, PathBuf)>, PkgError> {
        let mut out = BTreeMap::new();
        if self.include.is_empty() {
            walk(dir, "", true, &mut out)?;
        } else {
            for inc in &self.include {
                check_path(inc).map_err(|r| PkgError::manifest(format!("include '{inc}'"), r))?;
                let p = dir.join(inc);
                let meta = std::fs::symlink_metadata(&p).map_err(PkgError::io(&p))?;
                if meta.is_dir() {
                    walk(&p, inc, false, &mut out)?;
                } else if meta.is_file() {
                    out.insert(inc.clone(), p);
                } else {
                    return Err(PkgError::NotRegular {
                        path: inc.clone(),
                        kind: "link or special file",
                    });
                }
            }
        }
        Ok(out.into_iter().collect())
    }
}

/// Adds the files under `dir` to `out` with paths prefixed by `prefix`. `skip_default`
/// leaves out what a default build leaves out (see [`AppSpec::include`]).
fn walk(
    dir: &Path,
    prefix: &str,
    skip_default: bool,
    out: &mut BTreeMap<String, PathBuf>,
) -> Result<(), PkgError> {
    let rd = std::fs::read_dir(dir).map_err(PkgError::io(dir))?;
    for ent in rd {
        let ent = ent.map_err(PkgError::io(dir))?;
        let name = ent.file_name();
        let Some(name) = name.to_str() else {
            return Err(PkgError::UnsafePath {
                path: ent.path().display().to_string(),
                reason: "not UTF-8",
            });
        };
        let rel = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}/{name}")
        };
        let ft = ent.file_type().map_err(PkgError::io(ent.path()))?;
        if skip_default
            && (name.starts_with('.')
                || (prefix.is_empty() && (name == SPEC_FILE || name == "target"))
                || name.ends_with(".tgz"))
        {
            continue;
        }
        if ft.is_dir() {
            walk(&ent.path(), &rel, skip_default, out)?;
        } else if ft.is_file() {
            out.insert(rel, ent.path());
        } else {
            return Err(PkgError::NotRegular {
                path: rel,
                kind: "link or special file",
            });
        }
    }
    Ok(())
}

/// Hashes the app's files, writes and signs the manifest, and writes the archive to
/// `out` (through a temporary file renamed into place, so `out` is never half-written).
pub fn build(
    dir: &Path,
    spec: &AppSpec,
    key: &SigningKey,
    out: &Path,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<Built, PkgError> {
    let files = spec.files(dir)?;
    let mut entries = Vec::with_capacity(files.len());
    for (rel, path) in &files {
        check_path(rel).map_err(|reason| PkgError::UnsafePath {
            path: rel.clone(),
            reason,
        })?;
        let (sha256, size) = hash_file(path)?;
        progress(Progress::Hashed { path: rel, size });
        entries.push(FileEntry {
            path: rel.clone(),
            sha256,
            size,
            executable: is_executable(path)?,
        });
    }
    let manifest = Manifest {
        format: FORMAT,
        name: spec.name.clone(),
        version: spec.version.clone(),
        provider: spec.provider.clone(),
        entry: spec.entry.clone(),
        interpreter: spec.interpreter.clone(),
        arguments: spec.arguments.clone(),
        description: spec.description.clone(),
        limits: spec.limits.clone(),
        commands: spec.commands.clone(),
        permissions: spec.permissions.clone(),
        files: entries,
    };
    manifest.validate()?;
    if key.provider != manifest.provider {
        return Err(PkgError::manifest(
            "provider",
            format!(
                "'{}' but the signing key belongs to provider '{}'",
                manifest.provider, key.provider
            ),
        ));
    }
    let json = manifest.to_json();
    let sig = key.sign(&json);
    progress(Progress::Signed {
        key_id: &sig.key_id,
    });
    let tmp = out.with_extension("tgz.partial");
    let mut write = || -> Result<(), PkgError> {
        let f = File::create(&tmp).map_err(PkgError::io(&tmp))?;
        let gz = flate2::write::GzEncoder::new(BufWriter::new(f), flate2::Compression::default());
        let mut tar = tar::Builder::new(gz);
        let io = PkgError::io(&tmp);
        append_bytes(&mut tar, MANIFEST_FILE, &json, 0o644).map_err(PkgError::io(&tmp))?;
        append_bytes(&mut tar, SIGNATURE_FILE, &sig.to_json(), 0o644)
            .map_err(PkgError::io(&tmp))?;
        for ((rel, path), e) in files.iter().zip(&manifest.files) {
            let mut src = File::open(path).map_err(PkgError::io(path))?;
            let mut h = tar::Header::new_gnu();
            h.set_size(e.size);
            h.set_mode(if e.executable { 0o755 } else { 0o644 });
            h.set_mtime(0);
            h.set_entry_type(tar::EntryType::Regular);
            tar.append_data(&mut h, rel, (&mut src).take(e.size))
                .map_err(PkgError::io(path))?;
            progress(Progress::Archived { path: rel });
        }
        let gz = tar.into_inner().map_err(PkgError::io(&tmp))?;
        let mut w = gz.finish().map_err(PkgError::io(&tmp))?;
        w.flush().map_err(PkgError::io(&tmp))?;
        let f = w.into_inner().map_err(|e| e.into_error()).map_err(io)?;
        f.sync_all().map_err(PkgError::io(&tmp))
    };
    if let Err(e) = write() {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, out).map_err(PkgError::io(out))?;
    let size = std::fs::metadata(out).map_err(PkgError::io(out))?.len();
    Ok(Built { manifest, size })
}

fn append_bytes<W: Write>(
    tar: &mut tar::Builder<W>,
    path: &str,
    bytes: &[u8],
    mode: u32,
) -> std::io::Result<()> {
    let mut h = tar::Header::new_gnu();
    h.set_size(bytes.len() as u64);
    h.set_mode(mode);
    h.set_mtime(0);
    h.set_entry_type(tar::EntryType::Regular);
    tar.append_data(&mut h, path, bytes)
}

fn is_executable(path: &Path) -> Result<bool, PkgError> {
    use std::os::unix::fs::PermissionsExt as _;
    let m = std::fs::metadata(path).map_err(PkgError::io(path))?;
    Ok(m.permissions().mode() & 0o111 != 0)
}

/// SHA-256 (hex) and size of a file.
pub fn hash_file(path: &Path) -> Result<(String, u64), PkgError> {
    let mut f = File::open(path).map_err(PkgError::io(path))?;
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    let mut buf = vec![0u8; 64 << 10];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(PkgError::io(path))?;
        if n == 0 {
            break;
        }
        ctx.update(&buf[..n]);
        size += n as u64;
    }
    Ok((hex::encode(ctx.finish().as_ref()), size))
}

/// Finds the trusted key of a provider.
pub trait TrustStore {
    /// The provider's trusted key, or the reason there is none.
    fn key(&self, provider: &str) -> Result<PublicKey, PkgError>;
}

/// A trust store directory: `DIR/PROVIDER.pub` per provider.
#[derive(Debug, Clone)]
pub struct TrustDir(pub PathBuf);

impl TrustStore for TrustDir {
    fn key(&self, provider: &str) -> Result<PublicKey, PkgError> {
        crate::manifest::check_name("provider", provider)?;
        let path = self.0.join(format!("{provider}.pub"));
        if !path.is_file() {
            return Err(PkgError::UnknownProvider {
                provider: provider.into(),
                path,
            });
        }
        let key = PublicKey::read(&path)?;
        if key.provider != provider {
            return Err(PkgError::KeyFile {
                path,
                reason: format!(
                    "key belongs to provider '{}', not '{provider}'",
                    key.provider
                ),
            });
        }
        Ok(key)
    }
}

/// Unpacks the package read from `src` into `dest` (an empty directory) and checks it:
/// entry kinds and paths, the limits, the signature of `manifest.json` with the
/// provider's trusted key, and that the files are exactly the manifest's with their
/// SHA-256. On error `dest` may hold part of the files: the caller removes it.
pub fn unpack_verified(
    src: impl Read,
    dest: &Path,
    trust: &dyn TrustStore,
    limits: UnpackLimits,
) -> Result<Manifest, PkgError> {
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(src));
    let mut manifest_bytes = None;
    let mut sig_bytes = None;
    let mut found: BTreeMap<String, (String, u64)> = BTreeMap::new();
    let mut total = 0u64;
    let mut count = 0u64;
    let entries = ar.entries().map_err(|e| PkgError::Archive(e.to_string()))?;
    for ent in entries {
        let mut ent = ent.map_err(|e| PkgError::Archive(e.to_string()))?;
        count += 1;
        if count > limits.max_entries {
            return Err(PkgError::TooLarge {
                what: "entries",
                limit: limits.max_entries,
            });
        }
        let raw = ent.path_bytes().into_owned();
        let path = String::from_utf8(raw).map_err(|_| PkgError::UnsafePath {
            path: String::from_utf8_lossy(&ent.path_bytes()).into_owned(),
            reason: "not UTF-8",
        })?;
        let kind = ent.header().entry_type();
        let size = ent
            .header()
            .size()
            .map_err(|e| PkgError::Archive(e.to_string()))?;
        total = total.saturating_add(size);
        if total > limits.max_bytes {
            return Err(PkgError::TooLarge {
                what: "bytes unpacked",
                limit: limits.max_bytes,
            });
        }
        if kind.is_dir() {
            let p = path.trim_end_matches('/');
            check_path(p).map_err(|reason| PkgError::UnsafePath {
                path: path.clone(),
                reason,
            })?;
            std::fs::create_dir_all(dest.join(p)).map_err(PkgError::io(dest.join(p)))?;
            continue;
        }
        if !kind.is_file() {
            return Err(PkgError::NotRegular {
                path,
                kind: kind_name(kind),
            });
        }
        if path == MANIFEST_FILE || path == SIGNATURE_FILE {
            if size > 1 << 20 {
                return Err(PkgError::TooLarge {
                    what: "bytes of manifest",
                    limit: 1 << 20,
                });
            }
            let mut buf = Vec::with_capacity(size as usize);
            ent.read_to_end(&mut buf)
                .map_err(|e| PkgError::Archive(e.to_string()))?;
            let slot = if path == MANIFEST_FILE {
                &mut manifest_bytes
            } else {
                &mut sig_bytes
            };
            if slot.replace(buf).is_some() {
                return Err(PkgError::Duplicate(path));
            }
            continue;
        }
        check_path(&path).map_err(|reason| PkgError::UnsafePath {
            path: path.clone(),
            reason,
        })?;
        let target = dest.join(&path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(PkgError::io(parent))?;
        }
        let f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => PkgError::Duplicate(path.clone()),
                _ => PkgError::Io {
                    path: target.clone(),
                    source: e,
                },
            })?;
        let mut w = HashingWriter::new(BufWriter::new(f));
        std::io::copy(&mut ent, &mut w).map_err(|e| PkgError::Archive(e.to_string()))?;
        let (digest, written) = w.finish().map_err(PkgError::io(&target))?;
        found.insert(path, (digest, written));
    }
    let manifest_bytes = manifest_bytes.ok_or(PkgError::NoManifest)?;
    let sig_bytes = sig_bytes.ok_or(PkgError::Unsigned)?;
    let manifest = Manifest::from_json(&manifest_bytes)?;
    let sig = Signature::from_json(&sig_bytes)?;
    trust
        .key(&manifest.provider)?
        .verify(&manifest_bytes, &sig)?;
    for f in &manifest.files {
        let Some((digest, size)) = found.remove(&f.path) else {
            return Err(PkgError::MissingFile(f.path.clone()));
        };
        if digest != f.sha256 || size != f.size {
            return Err(PkgError::Checksum {
                path: f.path.clone(),
                expected: f.sha256.clone(),
                actual: digest,
            });
        }
        set_mode(&dest.join(&f.path), f.executable)?;
    }
    if let Some((extra, _)) = found.into_iter().next() {
        return Err(PkgError::Unlisted(extra));
    }
    for (name, bytes) in [
        (MANIFEST_FILE, &manifest_bytes),
        (SIGNATURE_FILE, &sig_bytes),
    ] {
        let p = dest.join(name);
        std::fs::write(&p, bytes).map_err(PkgError::io(&p))?;
    }
    Ok(manifest)
}

fn set_mode(path: &Path, executable: bool) -> Result<(), PkgError> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = if executable { 0o755 } else { 0o644 };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(PkgError::io(path))
}

fn kind_name(kind: tar::EntryType) -> &'static str {
    match kind {
        tar::EntryType::Symlink => "symbolic link",
        tar::EntryType::Link => "hard link",
        tar::EntryType::Char => "character device",
        tar::EntryType::Block => "block device",
        tar::EntryType::Fifo => "fifo",
        _ => "special entry",
    }
}

/// A writer that hashes what goes through it.
struct HashingWriter<W: Write> {
    inner: W,
    ctx: ring::digest::Context,
    n: u64,
}

impl<W: Write> HashingWriter<W> {
    fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            ctx: ring::digest::Context::new(&ring::digest::SHA256),
            n: 0,
        }
    }

    fn finish(mut self) -> std::io::Result<(String, u64)> {
        self.inner.flush()?;
        Ok((hex::encode(self.ctx.finish().as_ref()), self.n))
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.ctx.update(&buf[..n]);
        self.n += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A SHA-256 computed as bytes arrive (uploads).
pub struct Sha256(ring::digest::Context);

impl Default for Sha256 {
    fn default() -> Self {
        Sha256(ring::digest::Context::new(&ring::digest::SHA256))
    }
}

impl std::fmt::Debug for Sha256 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sha256")
    }
}

impl Sha256 {
    /// Adds bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The lowercase hex digest.
    pub fn finish_hex(self) -> String {
        hex::encode(self.0.finish().as_ref())
    }
}
