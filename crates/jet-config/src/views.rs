//! Typed views of the configuration for the device: pure functions of the tree, with
//! Junos defaults filled in. They read what is configured and never fail; statements
//! that `validate` would refuse are skipped or defaulted as documented per view.

use std::net::{IpAddr, Ipv4Addr};

use crate::config::Config;
use crate::tree::{self, Node, Value};
use crate::value::IpPrefix;

/// Default gRPC port (clear text and TLS).
pub const DEFAULT_GRPC_PORT: u16 = 32767;
/// Default address of every listener: loopback. Junos listens on all addresses; we
/// default to loopback so that nothing is reachable from outside until configured.
pub const DEFAULT_LISTEN_ADDRESS: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
/// Default `max-connections` of the gRPC server.
pub const DEFAULT_GRPC_MAX_CONNECTIONS: u32 = 8;
/// Default MQTT notification port.
pub const DEFAULT_NOTIFICATION_PORT: u16 = 1883;
/// Default `max-connections` of the notification service.
pub const DEFAULT_NOTIFICATION_MAX_CONNECTIONS: u32 = 8;

/// A built-in login class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LoginClass {
    /// `super-user`: everything.
    SuperUser,
    /// `operator`: operational commands, no configuration changes.
    Operator,
    /// `read-only`: view only.
    ReadOnly,
}

impl LoginClass {
    /// The Junos keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            LoginClass::SuperUser => "super-user",
            LoginClass::Operator => "operator",
            LoginClass::ReadOnly => "read-only",
        }
    }

    /// The class for a Junos keyword.
    pub fn from_keyword(s: &str) -> Option<LoginClass> {
        match s {
            "super-user" => Some(LoginClass::SuperUser),
            "operator" => Some(LoginClass::Operator),
            "read-only" => Some(LoginClass::ReadOnly),
            _ => None,
        }
    }
}

/// `system login user NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserCfg {
    /// User name.
    pub name: String,
    /// `uid`, when configured.
    pub uid: Option<u32>,
    /// `class`.
    pub class: LoginClass,
    /// `authentication encrypted-password` (a crypt hash).
    pub encrypted_password: Option<String>,
    /// `full-name`.
    pub full_name: Option<String>,
}

/// A listener address and port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListenerCfg {
    /// Address to bind (default [`DEFAULT_LISTEN_ADDRESS`]).
    pub address: IpAddr,
    /// Port (default [`DEFAULT_GRPC_PORT`]).
    pub port: u16,
}

/// `client-certificate-request`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientCertRequest {
    /// Do not ask for a client certificate (default).
    #[default]
    NoCertificate,
    /// Ask, accept without one, do not verify.
    RequestCertificate,
    /// Ask, accept without one, verify when given.
    RequestCertificateAndVerify,
    /// Require one, do not verify.
    RequireCertificate,
    /// Require one and verify it.
    RequireCertificateAndVerify,
}

impl ClientCertRequest {
    /// The Junos keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            ClientCertRequest::NoCertificate => "no-certificate",
            ClientCertRequest::RequestCertificate => "request-certificate",
            ClientCertRequest::RequestCertificateAndVerify => "request-certificate-and-verify",
            ClientCertRequest::RequireCertificate => "require-certificate",
            ClientCertRequest::RequireCertificateAndVerify => "require-certificate-and-verify",
        }
    }

    /// The value for a Junos keyword.
    pub fn from_keyword(s: &str) -> Option<ClientCertRequest> {
        Some(match s {
            "no-certificate" => ClientCertRequest::NoCertificate,
            "request-certificate" => ClientCertRequest::RequestCertificate,
            "request-certificate-and-verify" => ClientCertRequest::RequestCertificateAndVerify,
            "require-certificate" => ClientCertRequest::RequireCertificate,
            "require-certificate-and-verify" => ClientCertRequest::RequireCertificateAndVerify,
            _ => return None,
        })
    }

    /// True when a presented client certificate is verified against the CA.
    pub fn verifies(self) -> bool {
        matches!(
            self,
            ClientCertRequest::RequestCertificateAndVerify
                | ClientCertRequest::RequireCertificateAndVerify
        )
    }

    /// True when a client without certificate is refused.
    pub fn requires(self) -> bool {
        matches!(
            self,
            ClientCertRequest::RequireCertificate | ClientCertRequest::RequireCertificateAndVerify
        )
    }
}

/// `grpc ssl mutual-authentication`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MutualCfg {
    /// `certificate-authority` (a `security pki ca-profile` name).
    pub certificate_authority: Option<String>,
    /// `client-certificate-request` (default `no-certificate`).
    pub request: ClientCertRequest,
}

/// `grpc ssl`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SslCfg {
    /// Address (default [`DEFAULT_LISTEN_ADDRESS`]).
    pub address: IpAddr,
    /// Port (default [`DEFAULT_GRPC_PORT`]).
    pub port: u16,
    /// `local-certificate` (a `security certificates local` name).
    pub local_certificate: Option<String>,
    /// `mutual-authentication`, when configured.
    pub mutual: Option<MutualCfg>,
}

/// `system services extension-service request-response grpc`, with defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsdCfg {
    /// Clear-text listener, when `clear-text` is configured.
    pub clear_text: Option<ListenerCfg>,
    /// TLS listener, when `ssl` is configured.
    pub ssl: Option<SslCfg>,
    /// `max-connections` (default [`DEFAULT_GRPC_MAX_CONNECTIONS`]).
    pub max_connections: u32,
    /// `skip-authentication`.
    pub skip_authentication: bool,
}

/// `system services extension-service notification`, with defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationCfg {
    /// Listener (defaults: loopback, [`DEFAULT_NOTIFICATION_PORT`]).
    pub listener: ListenerCfg,
    /// `max-connections` (default [`DEFAULT_NOTIFICATION_MAX_CONNECTIONS`]).
    pub max_connections: u32,
    /// `allow-clients address`: who may connect. Empty means nobody.
    pub allow_clients: Vec<IpPrefix>,
}

/// `security certificates local NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalCertCfg {
    /// Certificate name.
    pub name: String,
    /// `load-key-file`: PEM with key and certificate (absolute or data-dir relative).
    pub load_key_file: Option<String>,
}

/// `security pki ca-profile NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaProfileCfg {
    /// Profile name.
    pub name: String,
    /// `ca-identity`.
    pub ca_identity: Option<String>,
}

const GRPC: &[&str] = &[
    "system",
    "services",
    "extension-service",
    "request-response",
    "grpc",
];
const NOTIFICATION: &[&str] = &["system", "services", "extension-service", "notification"];

fn leaf<'a>(children: &'a [Node], name: &str) -> Option<&'a str> {
    tree::child(children, name)?.leaf()
}

fn num<T: std::str::FromStr>(children: &[Node], name: &str) -> Option<T> {
    leaf(children, name)?.parse().ok()
}

fn addr(children: &[Node], name: &str) -> Option<IpAddr> {
    leaf(children, name)?.parse().ok()
}

fn list_entries<'a>(cfg: &'a Config, path: &[&str]) -> &'a [tree::Entry] {
    match cfg.node_at(path).map(|n| &n.value) {
        Some(Value::List(entries)) => entries,
        _ => &[],
    }
}

impl Config {
    /// `system host-name`.
    pub fn host_name(&self) -> Option<&str> {
        self.leaf_at(&["system", "host-name"])
    }

    /// `system login user` entries in configuration order. Users without a valid
    /// `class` (refused by `validate`) are left out: they cannot log in.
    pub fn users(&self) -> Vec<UserCfg> {
        list_entries(self, &["system", "login", "user"])
            .iter()
            .filter_map(|e| {
                let c = &e.children;
                let class = LoginClass::from_keyword(leaf(c, "class")?)?;
                let auth = tree::child(c, "authentication")
                    .map(Node::children)
                    .unwrap_or(&[]);
                Some(UserCfg {
                    name: e.key.clone(),
                    uid: num(c, "uid"),
                    class,
                    encrypted_password: leaf(auth, "encrypted-password").map(str::to_owned),
                    full_name: leaf(c, "full-name").map(str::to_owned),
                })
            })
            .collect()
    }

    /// The gRPC server settings, with defaults.
    pub fn jsd(&self) -> JsdCfg {
        let grpc = self.node_at(GRPC).map(Node::children).unwrap_or(&[]);
        let listener = |n: &Node| ListenerCfg {
            address: addr(n.children(), "address").unwrap_or(DEFAULT_LISTEN_ADDRESS),
            port: num(n.children(), "port").unwrap_or(DEFAULT_GRPC_PORT),
        };
        let clear_text = tree::child(grpc, "clear-text").map(listener);
        let ssl = tree::child(grpc, "ssl").map(|n| {
            let l = listener(n);
            let c = n.children();
            SslCfg {
                address: l.address,
                port: l.port,
                local_certificate: leaf(c, "local-certificate").map(str::to_owned),
                mutual: tree::child(c, "mutual-authentication").map(|m| MutualCfg {
                    certificate_authority: leaf(m.children(), "certificate-authority")
                        .map(str::to_owned),
                    request: leaf(m.children(), "client-certificate-request")
                        .and_then(ClientCertRequest::from_keyword)
                        .unwrap_or_default(),
                }),
            }
        });
        JsdCfg {
            clear_text,
            ssl,
            max_connections: num(grpc, "max-connections").unwrap_or(DEFAULT_GRPC_MAX_CONNECTIONS),
            skip_authentication: tree::child(grpc, "skip-authentication").is_some(),
        }
    }

    /// The MQTT notification service, when `notification` is configured.
    pub fn notification(&self) -> Option<NotificationCfg> {
        let n = self.node_at(NOTIFICATION)?;
        let c = n.children();
        let allow = tree::child(c, "allow-clients")
            .map(Node::children)
            .unwrap_or(&[]);
        let allow_clients = match tree::child(allow, "address").map(|a| &a.value) {
            Some(Value::LeafList(vs)) => vs.iter().filter_map(|v| v.parse().ok()).collect(),
            _ => Vec::new(),
        };
        Some(NotificationCfg {
            listener: ListenerCfg {
                address: addr(c, "address").unwrap_or(DEFAULT_LISTEN_ADDRESS),
                port: num(c, "port").unwrap_or(DEFAULT_NOTIFICATION_PORT),
            },
            max_connections: num(c, "max-connections")
                .unwrap_or(DEFAULT_NOTIFICATION_MAX_CONNECTIONS),
            allow_clients,
        })
    }

    /// `security certificates local` entries.
    pub fn local_certificates(&self) -> Vec<LocalCertCfg> {
        list_entries(self, &["security", "certificates", "local"])
            .iter()
            .map(|e| LocalCertCfg {
                name: e.key.clone(),
                load_key_file: leaf(&e.children, "load-key-file").map(str::to_owned),
            })
            .collect()
    }

    /// `security pki ca-profile` entries.
    pub fn ca_profiles(&self) -> Vec<CaProfileCfg> {
        list_entries(self, &["security", "pki", "ca-profile"])
            .iter()
            .map(|e| CaProfileCfg {
                name: e.key.clone(),
                ca_identity: leaf(&e.children, "ca-identity").map(str::to_owned),
            })
            .collect()
    }
}
