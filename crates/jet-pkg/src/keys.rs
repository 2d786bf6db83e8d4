//! Ed25519 signing keys of providers, their files, and the signature of a manifest.
//!
//! Key files are one text line each:
//! - public (`NAME.pub`, given to the device's trust store):
//!   `openjet-ed25519 <64 hex digits> <provider>`
//! - private (kept by the developer, mode 0600):
//!   `openjet-ed25519-private <hex PKCS#8> <provider>`
//!
//! A key's id is the first 16 hex digits of the SHA-256 of its 32 public-key bytes.
//! `manifest.sig` is JSON: `{"algorithm":"ed25519","provider":P,"key-id":K,"signature":HEX}`,
//! the signature being over the exact bytes of `manifest.json`.

use std::path::Path;

use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair as _, UnparsedPublicKey, ED25519};
use serde::{Deserialize, Serialize};

use crate::error::PkgError;
use crate::hex;

const PUBLIC_TAG: &str = "openjet-ed25519";
const PRIVATE_TAG: &str = "openjet-ed25519-private";

/// A provider's public key, as the device trusts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    /// The provider the key belongs to.
    pub provider: String,
    bytes: [u8; 32],
}

/// A provider's signing key.
pub struct SigningKey {
    /// The provider the key belongs to.
    pub provider: String,
    pkcs8: Vec<u8>,
    pair: Ed25519KeyPair,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("provider", &self.provider)
            .field("key_id", &self.public().key_id())
            .finish()
    }
}

/// The content of `manifest.sig`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Signature {
    /// Always `ed25519`.
    pub algorithm: String,
    /// The provider that signed.
    pub provider: String,
    /// The signing key's id.
    pub key_id: String,
    /// Hex Ed25519 signature over manifest.json.
    pub signature: String,
}

impl PublicKey {
    /// The key's id (16 hex digits).
    pub fn key_id(&self) -> String {
        key_id(&self.bytes)
    }

    /// The key file's line.
    pub fn to_line(&self) -> String {
        format!(
            "{PUBLIC_TAG} {} {}\n",
            hex::encode(&self.bytes),
            self.provider
        )
    }

    /// Parses a public key file's text.
    pub fn parse(text: &str) -> Result<PublicKey, String> {
        let f: Vec<&str> = text.split_whitespace().collect();
        match f.as_slice() {
            [tag, key, provider] if *tag == PUBLIC_TAG => {
                let bytes = hex::decode(key).ok_or("key is not hex")?;
                let bytes: [u8; 32] = bytes
                    .try_into()
                    .map_err(|_| "key is not 32 bytes".to_string())?;
                Ok(PublicKey {
                    provider: provider.to_string(),
                    bytes,
                })
            }
            _ => Err(format!("expected '{PUBLIC_TAG} HEX PROVIDER'")),
        }
    }

    /// Reads a public key file.
    pub fn read(path: &Path) -> Result<PublicKey, PkgError> {
        let text = std::fs::read_to_string(path).map_err(PkgError::io(path))?;
        PublicKey::parse(&text).map_err(|reason| PkgError::KeyFile {
            path: path.to_owned(),
            reason,
        })
    }

    /// Verifies `sig` (from manifest.sig) over `manifest` with this key.
    pub fn verify(&self, manifest: &[u8], sig: &Signature) -> Result<(), PkgError> {
        if sig.key_id != self.key_id() {
            return Err(PkgError::UnknownKey {
                provider: self.provider.clone(),
                key_id: sig.key_id.clone(),
                trusted: self.key_id(),
            });
        }
        let bad = || PkgError::BadSignature {
            provider: self.provider.clone(),
            key_id: self.key_id(),
        };
        let raw = hex::decode(&sig.signature).ok_or_else(bad)?;
        UnparsedPublicKey::new(&ED25519, &self.bytes)
            .verify(manifest, &raw)
            .map_err(|_| bad())
    }
}

impl SigningKey {
    /// A new random key for `provider`.
    pub fn generate(provider: &str) -> Result<SigningKey, PkgError> {
        crate::manifest::check_name("provider", provider)?;
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
            .map_err(|_| PkgError::Crypto("Ed25519 key generation failed".into()))?;
        Self::from_pkcs8(provider, pkcs8.as_ref().to_vec())
    }

    fn from_pkcs8(provider: &str, pkcs8: Vec<u8>) -> Result<SigningKey, PkgError> {
        let pair = Ed25519KeyPair::from_pkcs8(&pkcs8)
            .map_err(|e| PkgError::Crypto(format!("not an Ed25519 PKCS#8 key: {e}")))?;
        Ok(SigningKey {
            provider: provider.to_string(),
            pkcs8,
            pair,
        })
    }

    /// The public half.
    pub fn public(&self) -> PublicKey {
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(self.pair.public_key().as_ref());
        PublicKey {
            provider: self.provider.clone(),
            bytes,
        }
    }

    /// The private key file's line.
    pub fn to_line(&self) -> String {
        format!(
            "{PRIVATE_TAG} {} {}\n",
            hex::encode(&self.pkcs8),
            self.provider
        )
    }

    /// Reads a private key file.
    pub fn read(path: &Path) -> Result<SigningKey, PkgError> {
        let text = std::fs::read_to_string(path).map_err(PkgError::io(path))?;
        let bad = |reason: String| PkgError::KeyFile {
            path: path.to_owned(),
            reason,
        };
        let f: Vec<&str> = text.split_whitespace().collect();
        match f.as_slice() {
            [tag, key, provider] if *tag == PRIVATE_TAG => {
                let pkcs8 = hex::decode(key).ok_or_else(|| bad("key is not hex".into()))?;
                Self::from_pkcs8(provider, pkcs8).map_err(|e| bad(e.to_string()))
            }
            _ => Err(bad(format!("expected '{PRIVATE_TAG} HEX PROVIDER'"))),
        }
    }

    /// Signs `manifest` (the bytes of manifest.json).
    pub fn sign(&self, manifest: &[u8]) -> Signature {
        Signature {
            algorithm: "ed25519".into(),
            provider: self.provider.clone(),
            key_id: self.public().key_id(),
            signature: hex::encode(self.pair.sign(manifest).as_ref()),
        }
    }
}

impl Signature {
    /// Parses manifest.sig.
    pub fn from_json(bytes: &[u8]) -> Result<Signature, PkgError> {
        let s: Signature =
            serde_json::from_slice(bytes).map_err(|e| PkgError::SignatureFormat(e.to_string()))?;
        if s.algorithm != "ed25519" {
            return Err(PkgError::SignatureFormat(format!(
                "unsupported algorithm '{}' (only ed25519)",
                s.algorithm
            )));
        }
        Ok(s)
    }

    /// The file's bytes.
    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }
}

fn key_id(bytes: &[u8]) -> String {
    let d = ring::digest::digest(&ring::digest::SHA256, bytes);
    hex::encode(&d.as_ref()[..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_verifies_and_tampering_is_caught() {
        let k = SigningKey::generate("acme").expect("key");
        let sig = k.sign(b"manifest");
        let p = PublicKey::parse(&k.public().to_line()).expect("public key parses");
        p.verify(b"manifest", &sig).expect("verifies");
        let e = p.verify(b"manifesT", &sig).expect_err("tampered");
        assert!(matches!(e, PkgError::BadSignature { .. }), "{e}");
        let other = SigningKey::generate("acme").expect("key");
        let e = other
            .public()
            .verify(b"manifest", &sig)
            .expect_err("other key");
        assert!(e.to_string().contains(&sig.key_id), "{e}");
    }

    #[test]
    fn key_files_round_trip() {
        let dir = tempfile::tempdir().expect("tempdir");
        let k = SigningKey::generate("acme").expect("key");
        let path = dir.path().join("acme.key");
        std::fs::write(&path, k.to_line()).expect("write");
        let back = SigningKey::read(&path).expect("reads");
        assert_eq!(back.public(), k.public());
        std::fs::write(&path, "garbage").expect("write");
        let e = SigningKey::read(&path).expect_err("garbage");
        assert!(e.to_string().contains("acme.key"), "{e}");
    }
}
