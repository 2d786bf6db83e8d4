//! jet-tls owns building TLS server configurations from the device configuration and
//! the data directory: the `ssl` stanzas of the gRPC and MQTT listeners, `security
//! certificates local` and `security pki ca-profile`. It must not open sockets, and
//! knows nothing of gRPC or MQTT: callers adapt the configuration (ALPN, ...) to their
//! protocol.
//!
//! TLS for an `ssl` listener: rustls (TLS 1.2 and 1.3 only, by construction), an RSA
//! server certificate as JET requires, and the `client-certificate-request` modes of
//! mutual authentication.
//!
//! Files: `security certificates local NAME load-key-file PATH` names a PEM file with the
//! private key and the certificate chain (PATH relative to the data directory, or
//! absolute). `mutual-authentication certificate-authority PROFILE` reads the CA
//! certificate(s) of `security pki ca-profile PROFILE` from `DATA/certs/ca-profile/PROFILE.crt`
//! (where `jetd certs generate` puts it, as `request security pki ca-certificate load`
//! would on Junos).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use jet_config::{ClientCertRequest, Config, SslCfg};

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::WebPkiClientVerifier;
use rustls::{
    DigitallySignedStruct, DistinguishedName, RootCertStore, ServerConfig, SignatureScheme,
};

mod error;

pub use error::TlsError;

/// Where the CA certificate of a `security pki ca-profile` lives.
pub fn ca_profile_path(data_dir: &Path, profile: &str) -> PathBuf {
    data_dir
        .join("certs")
        .join("ca-profile")
        .join(format!("{profile}.crt"))
}

/// Resolves a `load-key-file` path against the data directory.
pub fn key_file_path(data_dir: &Path, file: &str) -> PathBuf {
    let p = Path::new(file);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        data_dir.join(p)
    }
}

/// The crypto provider (ring).
fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Builds the rustls server configuration for an `ssl` stanza. Errors are sentences an
/// operator can act on; they are also what a commit check reports.
pub fn server_config(
    data_dir: &Path,
    cfg: &Config,
    ssl: &SslCfg,
) -> Result<ServerConfig, TlsError> {
    let name = ssl
        .local_certificate
        .as_deref()
        .ok_or(TlsError::SslWithoutLocalCertificate)?;
    let local = cfg
        .local_certificates()
        .into_iter()
        .find(|c| c.name == name)
        .ok_or_else(|| TlsError::UnknownLocalCertificate {
            name: name.to_owned(),
        })?;
    let file = local
        .load_key_file
        .as_deref()
        .ok_or_else(|| TlsError::NoLoadKeyFile {
            name: name.to_owned(),
        })?;
    let path = key_file_path(data_dir, file);
    let pem = match std::fs::read(&path) {
        Ok(pem) => pem,
        Err(source) => return Err(TlsError::KeyFileUnreadable { path, source }),
    };
    let chain: Vec<CertificateDer<'static>> =
        match CertificateDer::pem_slice_iter(&pem).collect::<Result<_, _>>() {
            Ok(chain) => chain,
            Err(source) => return Err(TlsError::BadCertificatePem { path, source }),
        };
    if chain.is_empty() {
        return Err(TlsError::NoCertificate { path });
    }
    let key = match PrivateKeyDer::from_pem_slice(&pem) {
        Ok(key) => key,
        Err(source) => return Err(TlsError::NoPrivateKey { path, source }),
    };
    if !is_rsa_key(&key) {
        return Err(TlsError::KeyNotRsa { path });
    }

    let provider = provider();
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|source| TlsError::TlsSetup { source })?;
    let verifier = client_verifier(data_dir, ssl, provider)?;
    let builder = match verifier {
        Some(v) => builder.with_client_cert_verifier(v),
        None => builder.with_no_client_auth(),
    };
    let mut config = match builder.with_single_cert(chain, key) {
        Ok(config) => config,
        Err(source) => return Err(TlsError::KeyMismatch { path, source }),
    };
    // gRPC runs over HTTP/2; clients such as grpcio insist on ALPN h2.
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(config)
}

fn client_verifier(
    data_dir: &Path,
    ssl: &SslCfg,
    provider: Arc<CryptoProvider>,
) -> Result<Option<Arc<dyn ClientCertVerifier>>, TlsError> {
    let Some(mutual) = &ssl.mutual else {
        return Ok(None);
    };
    let roots = || -> Result<Arc<RootCertStore>, TlsError> {
        let profile = mutual
            .certificate_authority
            .as_deref()
            .ok_or(TlsError::MutualWithoutCertificateAuthority)?;
        let path = ca_profile_path(data_dir, profile);
        let pem = match std::fs::read(&path) {
            Ok(pem) => pem,
            Err(source) => {
                return Err(TlsError::CaFileUnreadable {
                    profile: profile.to_owned(),
                    path,
                    source,
                })
            }
        };
        let mut store = RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(&pem) {
            let added = match cert {
                Ok(cert) => store
                    .add(cert)
                    .map_err(|source| TlsError::UnusableCaCertificate {
                        path: path.clone(),
                        source,
                    }),
                Err(source) => Err(TlsError::BadCertificatePem {
                    path: path.clone(),
                    source,
                }),
            };
            added?;
        }
        if store.is_empty() {
            return Err(TlsError::NoCaCertificate { path });
        }
        Ok(Arc::new(store))
    };
    let verifying = |roots: Arc<RootCertStore>, optional: bool| {
        let b = WebPkiClientVerifier::builder_with_provider(roots, provider.clone());
        let b = if optional {
            b.allow_unauthenticated()
        } else {
            b
        };
        b.build()
            .map_err(|source| TlsError::ClientVerifierSetup { source })
    };
    Ok(match mutual.request {
        ClientCertRequest::NoCertificate => None,
        ClientCertRequest::RequestCertificate => Some(Arc::new(AnyClientCert {
            mandatory: false,
            provider: provider.clone(),
        })),
        ClientCertRequest::RequireCertificate => Some(Arc::new(AnyClientCert {
            mandatory: true,
            provider: provider.clone(),
        })),
        ClientCertRequest::RequestCertificateAndVerify => Some(verifying(roots()?, true)?),
        ClientCertRequest::RequireCertificateAndVerify => Some(verifying(roots()?, false)?),
    })
}

/// True for RSA keys (PKCS#1, or PKCS#8 with the rsaEncryption algorithm).
fn is_rsa_key(key: &PrivateKeyDer<'_>) -> bool {
    // DER of the rsaEncryption OID 1.2.840.113549.1.1.1.
    const RSA_OID: &[u8] = &[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
    ];
    match key {
        PrivateKeyDer::Pkcs1(_) => true,
        PrivateKeyDer::Pkcs8(k) => {
            // The AlgorithmIdentifier sits in the first few dozen bytes.
            let head = &k.secret_pkcs8_der()[..k.secret_pkcs8_der().len().min(32)];
            head.windows(RSA_OID.len()).any(|w| w == RSA_OID)
        }
        _ => false,
    }
}

/// `request-certificate` / `require-certificate`: ask for a client certificate and check
/// that the client holds its key (the handshake signature), but do not verify the chain.
#[derive(Debug)]
struct AnyClientCert {
    mandatory: bool,
    provider: Arc<CryptoProvider>,
}

impl ClientCertVerifier for AnyClientCert {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        self.mandatory
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
