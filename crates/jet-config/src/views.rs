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
/// Default `max-connections` of the notification service: 20, Junos's default for
/// the notification broker (a load tool or a few dashboards need more than a handful).
pub const DEFAULT_NOTIFICATION_MAX_CONNECTIONS: u32 = 20;

/// The permission level of a login class: a built-in class, or what the permissions
/// of a `system login class` amount to.
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

    /// The level a set of `permissions` amounts to: `all`, `configure` or any
    /// `*-control` permission may change the configuration (super-user); `clear`,
    /// `network`, `reset`, `trace`, `maintenance` or `rollback` may run operational
    /// commands beyond viewing (operator); anything else only views (read-only).
    pub fn from_permissions<S: AsRef<str>>(permissions: &[S]) -> LoginClass {
        let has = |p: &str| permissions.iter().any(|x| x.as_ref() == p);
        if has("all")
            || has("configure")
            || permissions.iter().any(|x| x.as_ref().ends_with("-control"))
        {
            LoginClass::SuperUser
        } else if [
            "clear",
            "network",
            "reset",
            "trace",
            "maintenance",
            "rollback",
        ]
        .iter()
        .any(|p| has(p))
        {
            LoginClass::Operator
        } else {
            LoginClass::ReadOnly
        }
    }
}

/// `system login class NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginClassCfg {
    /// Class name.
    pub name: String,
    /// `permissions`, as configured.
    pub permissions: Vec<String>,
    /// `idle-timeout` in minutes.
    pub idle_timeout: Option<u32>,
    /// What the permissions amount to.
    pub level: LoginClass,
}

/// `system login user NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserCfg {
    /// User name.
    pub name: String,
    /// `uid`, when configured.
    pub uid: Option<u32>,
    /// The permission level of the user's class (built-in, or resolved from the
    /// permissions of a `system login class`).
    pub class: LoginClass,
    /// The configured class name (`super-user`, or a `system login class` name).
    pub class_name: String,
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
    /// `deny-subscribe`: topic filters no client may subscribe to.
    pub deny_subscribe: Vec<String>,
    /// `authentication required`: clients must log in as a `system login user`.
    pub authentication_required: bool,
    /// `ssl`: an MQTT-over-TLS listener (defaults: loopback, port 8883).
    pub ssl: Option<NotificationSslCfg>,
    /// `bridge NAME`: forward device events to external brokers.
    pub bridges: Vec<BridgeCfg>,
    /// `max-queued-messages`: per-client queue bound (`None`: the broker's default).
    pub max_queued_messages: Option<u32>,
    /// `max-queued-bytes`: per-client queue bound in bytes (`None`: default).
    pub max_queued_bytes: Option<u32>,
    /// `max-publisher-wait`: seconds (`None`: default).
    pub max_publisher_wait: Option<u32>,
}

/// `notification ssl`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationSslCfg {
    /// Listener (defaults: loopback, [`DEFAULT_NOTIFICATION_SSL_PORT`]).
    pub listener: ListenerCfg,
    /// `local-certificate` (a `security certificates local` name).
    pub local_certificate: Option<String>,
}

/// The MQTT-over-TLS port when `ssl` gives none (the IANA port for MQTT over TLS).
pub const DEFAULT_NOTIFICATION_SSL_PORT: u16 = 8883;

/// `notification bridge NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BridgeCfg {
    /// Bridge name (also its MQTT client id suffix).
    pub name: String,
    /// External broker address (`None`: not usable; validation reports it).
    pub address: Option<IpAddr>,
    /// External broker port (default 1883).
    pub port: u16,
    /// Topic filters to forward (default `/junos/events/#`).
    pub topics: Vec<String>,
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

pub(crate) fn leaf<'a>(children: &'a [Node], name: &str) -> Option<&'a str> {
    tree::child(children, name)?.leaf()
}

fn leaf_list(children: &[Node], name: &str) -> Vec<String> {
    match tree::child(children, name).map(|n| &n.value) {
        Some(Value::LeafList(vs)) => vs.clone(),
        _ => Vec::new(),
    }
}

pub(crate) fn num<T: std::str::FromStr>(children: &[Node], name: &str) -> Option<T> {
    leaf(children, name)?.parse().ok()
}

fn addr(children: &[Node], name: &str) -> Option<IpAddr> {
    leaf(children, name)?.parse().ok()
}

pub(crate) fn list_entries<'a>(cfg: &'a Config, path: &[&str]) -> &'a [tree::Entry] {
    match cfg.node_at(path).map(|n| &n.value) {
        Some(Value::List(entries)) => entries,
        _ => &[],
    }
}

impl Config {
    /// `system host-name` (inherited from a group when not configured; `None` when
    /// inactive).
    pub fn host_name(&self) -> Option<&str> {
        self.inherited_leaf(&["system", "host-name"])
    }

    /// `system extensions providers NAME`: the providers whose signed packages the
    /// device accepts (their keys are in the data directory), in configuration order.
    pub fn extension_providers(&self) -> Vec<String> {
        list_entries(&self.effective(), &["system", "extensions", "providers"])
            .iter()
            .map(|e| e.key.clone())
            .collect()
    }

    /// `system login class` entries in configuration order.
    pub fn login_classes(&self) -> Vec<LoginClassCfg> {
        let cfg = self.effective();
        list_entries(&cfg, &["system", "login", "class"])
            .iter()
            .map(|e| {
                let permissions: Vec<String> =
                    match tree::child(&e.children, "permissions").map(|n| &n.value) {
                        Some(Value::LeafList(vs)) => vs.clone(),
                        _ => Vec::new(),
                    };
                LoginClassCfg {
                    name: e.key.clone(),
                    level: LoginClass::from_permissions(&permissions),
                    permissions,
                    idle_timeout: num(&e.children, "idle-timeout"),
                }
            })
            .collect()
    }

    /// The permission level of the class called `name`: a built-in class or a
    /// configured one.
    pub fn class_level(&self, name: &str) -> Option<LoginClass> {
        LoginClass::from_keyword(name).or_else(|| {
            self.login_classes()
                .into_iter()
                .find(|c| c.name == name)
                .map(|c| c.level)
        })
    }

    /// `system login user` entries in configuration order. Users without a valid
    /// `class` (refused by `validate`) are left out: they cannot log in.
    pub fn users(&self) -> Vec<UserCfg> {
        let cfg = self.effective();
        let classes = cfg.login_classes();
        list_entries(&cfg, &["system", "login", "user"])
            .iter()
            .filter_map(|e| {
                let c = &e.children;
                let class_name = leaf(c, "class")?;
                let class = LoginClass::from_keyword(class_name).or_else(|| {
                    classes
                        .iter()
                        .find(|k| k.name == class_name)
                        .map(|k| k.level)
                })?;
                let auth = tree::child(c, "authentication")
                    .map(Node::children)
                    .unwrap_or(&[]);
                Some(UserCfg {
                    name: e.key.clone(),
                    uid: num(c, "uid"),
                    class,
                    class_name: class_name.to_owned(),
                    encrypted_password: leaf(auth, "encrypted-password").map(str::to_owned),
                    full_name: leaf(c, "full-name").map(str::to_owned),
                })
            })
            .collect()
    }

    /// The gRPC server settings, with defaults.
    pub fn jsd(&self) -> JsdCfg {
        let cfg = self.effective();
        let grpc = cfg.node_at(GRPC).map(Node::children).unwrap_or(&[]);
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
        let cfg = self.effective();
        let n = cfg.node_at(NOTIFICATION)?;
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
            deny_subscribe: leaf_list(c, "deny-subscribe"),
            authentication_required: tree::child(c, "authentication")
                .is_some_and(|a| tree::child(a.children(), "required").is_some()),
            ssl: tree::child(c, "ssl").map(|s| {
                let sc = s.children();
                NotificationSslCfg {
                    listener: ListenerCfg {
                        address: addr(sc, "address").unwrap_or(DEFAULT_LISTEN_ADDRESS),
                        port: num(sc, "port").unwrap_or(DEFAULT_NOTIFICATION_SSL_PORT),
                    },
                    local_certificate: leaf(sc, "local-certificate").map(str::to_owned),
                }
            }),
            bridges: match tree::child(c, "bridge").map(|b| &b.value) {
                Some(Value::List(entries)) => entries
                    .iter()
                    .map(|e| BridgeCfg {
                        name: e.key.clone(),
                        address: addr(&e.children, "address"),
                        port: num(&e.children, "port").unwrap_or(DEFAULT_NOTIFICATION_PORT),
                        topics: {
                            let t = leaf_list(&e.children, "topic");
                            if t.is_empty() {
                                vec!["/junos/events/#".to_owned()]
                            } else {
                                t
                            }
                        },
                    })
                    .collect(),
                _ => Vec::new(),
            },
            max_queued_messages: num(c, "max-queued-messages"),
            max_queued_bytes: num(c, "max-queued-bytes"),
            max_publisher_wait: num(c, "max-publisher-wait"),
        })
    }

    /// `security certificates local` entries.
    pub fn local_certificates(&self) -> Vec<LocalCertCfg> {
        list_entries(&self.effective(), &["security", "certificates", "local"])
            .iter()
            .map(|e| LocalCertCfg {
                name: e.key.clone(),
                load_key_file: leaf(&e.children, "load-key-file").map(str::to_owned),
            })
            .collect()
    }

    /// `security pki ca-profile` entries.
    pub fn ca_profiles(&self) -> Vec<CaProfileCfg> {
        list_entries(&self.effective(), &["security", "pki", "ca-profile"])
            .iter()
            .map(|e| CaProfileCfg {
                name: e.key.clone(),
                ca_identity: leaf(&e.children, "ca-identity").map(str::to_owned),
            })
            .collect()
    }
}
