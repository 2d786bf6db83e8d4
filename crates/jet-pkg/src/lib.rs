//! jet-pkg owns the OpenJET app package format (see `docs/packages.md`): the manifest
//! (`manifest.json`: name, version, provider, entry point, interpreter, limits, the CLI
//! commands the app adds, the gRPC methods it may call, every file with its SHA-256),
//! its Ed25519 signature (`manifest.sig`), provider key files, building a signed `.tgz`
//! from an app directory, and unpacking one while checking every part of it.
//!
//! It must not know the device, gRPC or processes: it reads and writes files only where
//! its caller says (a build's output, an unpack's empty destination), holds no state, and
//! every refusal is a [`PkgError`] naming the bad file, field, provider or key.

mod archive;
mod error;
mod hex;
mod keys;
mod manifest;

pub use archive::{
    build, hash_file, unpack_verified, AppSpec, Built, Progress, Sha256, TrustDir, TrustStore,
    UnpackLimits, SPEC_FILE,
};
pub use error::PkgError;
pub use keys::{PublicKey, Signature, SigningKey};
pub use manifest::{
    check_name, check_path, parse_version, permits, CommandDecl, FileEntry, Limits, Manifest,
    FORMAT, INTERPRETERS, MANIFEST_FILE, SIGNATURE_FILE,
};
