//! jsd's error type: why a listener configuration cannot be served and why certificates
//! cannot be generated. Messages are sentences an operator can act on; they are also
//! what a commit check reports, so they name the statement, file or value at fault.
//!
//! Errors of requests are not here: they are the device's ([`jet_device::DeviceError`])
//! and the RIB's, mapped to what clients see in one place (`svc/status.rs`).

use std::net::SocketAddr;
use std::path::PathBuf;

use rustls::pki_types::pem;

/// Everything jsd's own work can fail at.
#[derive(Debug, thiserror::Error)]
pub enum JsdError {
    // --- the configuration is incomplete or contradicts itself ---
    /// An `ssl` stanza without `local-certificate`.
    #[error("ssl requires 'local-certificate' (a name under [edit security certificates local])")]
    SslWithoutLocalCertificate,
    /// `local-certificate NAME` that `security certificates local` does not define.
    #[error("local-certificate '{name}' is not defined under [edit security certificates local]")]
    UnknownLocalCertificate {
        /// The certificate name as configured.
        name: String,
    },
    /// `security certificates local NAME` without `load-key-file`.
    #[error("security certificates local {name} has no load-key-file")]
    NoLoadKeyFile {
        /// The certificate name.
        name: String,
    },
    /// Verified mutual authentication without `certificate-authority`.
    #[error("mutual-authentication with verification requires 'certificate-authority'")]
    MutualWithoutCertificateAuthority,
    /// The clear-text and ssl listeners configured on the same address.
    #[error("grpc clear-text and ssl cannot both listen on {addr}; give them different ports")]
    ListenerClash {
        /// The shared address.
        addr: SocketAddr,
    },

    // --- a certificate or key file is missing or unusable ---
    /// The `load-key-file` cannot be read.
    #[error("cannot read certificate file {}: {source}", path.display())]
    KeyFileUnreadable {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The CA certificate of a ca-profile cannot be read.
    #[error(
        "cannot read the CA certificate of ca-profile '{profile}' ({}): {source}",
        path.display()
    )]
    CaFileUnreadable {
        /// The ca-profile name.
        profile: String,
        /// Where its certificate is looked for.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A certificate in a PEM file does not decode.
    #[error("{}: bad certificate PEM: {source}", path.display())]
    BadCertificatePem {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        source: pem::Error,
    },
    /// A `load-key-file` without a certificate.
    #[error("{}: no certificate found", path.display())]
    NoCertificate {
        /// The file.
        path: PathBuf,
    },
    /// A `load-key-file` without a usable private key.
    #[error("{}: no usable private key: {source}", path.display())]
    NoPrivateKey {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        source: pem::Error,
    },
    /// A private key of another kind than RSA.
    #[error("{}: the private key is not RSA; JET requires an RSA certificate", path.display())]
    KeyNotRsa {
        /// The file.
        path: PathBuf,
    },
    /// The certificate of a `load-key-file` does not go with its key.
    #[error("{}: certificate and key do not match: {source}", path.display())]
    KeyMismatch {
        /// The file.
        path: PathBuf,
        /// rustls's reason.
        source: rustls::Error,
    },
    /// A ca-profile certificate file without a certificate.
    #[error("{}: no CA certificate found", path.display())]
    NoCaCertificate {
        /// The file.
        path: PathBuf,
    },
    /// A ca-profile certificate that cannot be a trust anchor.
    #[error("{}: unusable CA certificate: {source}", path.display())]
    UnusableCaCertificate {
        /// The file.
        path: PathBuf,
        /// rustls's reason.
        source: rustls::Error,
    },

    // --- the TLS library refused the setup ---
    /// The protocol versions or provider were refused.
    #[error("TLS setup failed: {source}")]
    TlsSetup {
        /// rustls's reason.
        source: rustls::Error,
    },
    /// The client certificate verifier could not be built.
    #[error("client verification setup failed: {source}")]
    ClientVerifierSetup {
        /// rustls's reason.
        source: rustls::server::VerifierBuilderError,
    },

    // --- generating certificates (`jetd certs generate`) failed ---
    /// A directory could not be created.
    #[error("cannot create {}: {source}", path.display())]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    WriteFile {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A server name that is neither an IP address nor a DNS name.
    #[error("bad server name '{name}': {source}")]
    BadServerName {
        /// The name as given.
        name: String,
        /// Why it is not a DNS name.
        source: rcgen::Error,
    },
    /// rcgen refused the certificate parameters.
    #[error("{source}")]
    CertificateParams {
        /// rcgen's reason.
        source: rcgen::Error,
    },
    /// rcgen could not sign a certificate.
    #[error("{what}: {source}")]
    Certificate {
        /// Which certificate (`CA certificate`, `server certificate`, ...).
        what: &'static str,
        /// rcgen's reason.
        source: rcgen::Error,
    },
    /// An RSA key could not be generated.
    #[error("RSA key generation failed: {source}")]
    RsaKeyGeneration {
        /// The rsa crate's reason.
        source: rsa::Error,
    },
    /// An RSA key could not be encoded as PKCS#8.
    #[error("RSA key encoding failed: {source}")]
    RsaKeyEncoding {
        /// The encoder's reason.
        source: rsa::pkcs8::Error,
    },
    /// rcgen did not accept the generated RSA key.
    #[error("RSA key rejected: {source}")]
    RsaKeyRejected {
        /// rcgen's reason.
        source: rcgen::Error,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_errors_name_the_statement_and_value() {
        assert_eq!(
            JsdError::UnknownLocalCertificate { name: "jsd".into() }.to_string(),
            "local-certificate 'jsd' is not defined under [edit security certificates local]"
        );
        assert_eq!(
            JsdError::NoLoadKeyFile { name: "jsd".into() }.to_string(),
            "security certificates local jsd has no load-key-file"
        );
        let addr: SocketAddr = "127.0.0.1:32767".parse().expect("addr");
        assert_eq!(
            JsdError::ListenerClash { addr }.to_string(),
            "grpc clear-text and ssl cannot both listen on 127.0.0.1:32767; give them different ports"
        );
    }

    #[test]
    fn file_errors_name_the_file_first_or_after_the_action() {
        let path = PathBuf::from("/d/server.pem");
        assert_eq!(
            JsdError::KeyNotRsa { path: path.clone() }.to_string(),
            "/d/server.pem: the private key is not RSA; JET requires an RSA certificate"
        );
        let e = JsdError::KeyFileUnreadable {
            path: path.clone(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        };
        assert!(
            e.to_string()
                .starts_with("cannot read certificate file /d/server.pem: "),
            "{e}"
        );
        let e = JsdError::CaFileUnreadable {
            profile: "jet-ca".into(),
            path,
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        };
        assert!(
            e.to_string().starts_with(
                "cannot read the CA certificate of ca-profile 'jet-ca' (/d/server.pem): "
            ),
            "{e}"
        );
    }

    #[test]
    fn certificate_errors_say_which_certificate() {
        let e = JsdError::Certificate {
            what: "server certificate",
            source: rcgen::Error::CouldNotParseCertificate,
        };
        assert_eq!(
            e.to_string(),
            format!(
                "server certificate: {}",
                rcgen::Error::CouldNotParseCertificate
            )
        );
    }
}
