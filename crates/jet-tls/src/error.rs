//! Why a TLS server configuration cannot be built. Messages are sentences an operator
//! can act on; they are also what a commit check reports, so they name the statement,
//! file or value at fault.

use std::path::PathBuf;

use rustls::pki_types::pem;

/// Everything building a TLS server configuration can fail at.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_errors_name_the_statement_and_value() {
        assert_eq!(
            TlsError::UnknownLocalCertificate { name: "jsd".into() }.to_string(),
            "local-certificate 'jsd' is not defined under [edit security certificates local]"
        );
        assert_eq!(
            TlsError::NoLoadKeyFile { name: "jsd".into() }.to_string(),
            "security certificates local jsd has no load-key-file"
        );
    }

    #[test]
    fn file_errors_name_the_file_first_or_after_the_action() {
        let path = PathBuf::from("/d/server.pem");
        assert_eq!(
            TlsError::KeyNotRsa { path: path.clone() }.to_string(),
            "/d/server.pem: the private key is not RSA; JET requires an RSA certificate"
        );
        let e = TlsError::KeyFileUnreadable {
            path: path.clone(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        };
        assert!(
            e.to_string()
                .starts_with("cannot read certificate file /d/server.pem: "),
            "{e}"
        );
        let e = TlsError::CaFileUnreadable {
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
}
