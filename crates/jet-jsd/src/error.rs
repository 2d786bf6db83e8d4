//! jsd's error type: why a listener configuration cannot be served and why certificates
//! cannot be generated (why a TLS server configuration cannot be built is
//! [`jet_tls::TlsError`]). Messages are sentences an operator can act on; they are also
//! what a commit check reports, so they name the statement, file or value at fault.
//!
//! Errors of requests are not here: they are the device's ([`jet_device::DeviceError`])
//! and the RIB's, mapped to what clients see in one place (`svc/status.rs`).

use std::net::SocketAddr;
use std::path::PathBuf;

/// Everything jsd's own work can fail at.
#[derive(Debug, thiserror::Error)]
pub enum JsdError {
    // --- the listener configuration contradicts itself ---
    /// The clear-text and ssl listeners configured on the same address.
    #[error("grpc clear-text and ssl cannot both listen on {addr}; give them different ports")]
    ListenerClash {
        /// The shared address.
        addr: SocketAddr,
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
    fn listener_clash_names_the_address() {
        let addr: SocketAddr = "127.0.0.1:32767".parse().expect("addr");
        assert_eq!(
            JsdError::ListenerClash { addr }.to_string(),
            "grpc clear-text and ssl cannot both listen on 127.0.0.1:32767; give them different ports"
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
