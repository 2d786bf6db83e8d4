//! The schema of the supported configuration hierarchy.
//!
//! One static tree of [`SchemaNode`]s describes every statement: its name, its kind
//! (container, list, leaf, leaf-list, flag), the type of its value or key, and rules
//! (mandatory, secret, references). Every parser, printer, merge and validation walks
//! this schema; supporting a new statement means adding a node here, nothing else.
//! Children are listed in the order Junos prints them.

use crate::value::ValueType;

/// One statement of the schema.
#[derive(Debug)]
pub struct SchemaNode {
    /// Statement name as typed (`host-name`).
    pub name: &'static str,
    /// What the statement holds.
    pub kind: Kind,
    /// Must be present whenever its parent is (checked by `validate`).
    pub mandatory: bool,
    /// Secret value: printed with a trailing ` ## SECRET-DATA` in text.
    pub secret: bool,
    /// The value must name an entry of the list at this absolute schema path.
    pub reference: Option<&'static [&'static str]>,
    /// One-line help (CLI completion).
    pub help: &'static str,
}

/// The kind of a statement.
#[derive(Debug)]
pub enum Kind {
    /// A container of statements. `presence`: the container alone means something
    /// (`clear-text;` turns the listener on with defaults).
    Container {
        /// True when an empty container is meaningful.
        presence: bool,
        /// Child statements, in print order.
        children: &'static [SchemaNode],
    },
    /// Entries keyed by a value (`user NAME { ... }`), kept in insertion order.
    List {
        /// Type of the key.
        key: ValueType,
        /// Child statements of each entry.
        children: &'static [SchemaNode],
    },
    /// One value (`port 32767;`).
    Leaf(ValueType),
    /// Several values (`address [ a b ];`), kept in insertion order without duplicates.
    LeafList(ValueType),
    /// A statement without value (`skip-authentication;`).
    Flag,
}

impl SchemaNode {
    /// The child statements of a container or list entry (empty for other kinds).
    pub fn children(&self) -> &'static [SchemaNode] {
        match self.kind {
            Kind::Container { children, .. } | Kind::List { children, .. } => children,
            _ => &[],
        }
    }

    /// The child statement called `name`.
    pub fn child(&self, name: &str) -> Option<&'static SchemaNode> {
        find(self.children(), name)
    }

    /// The value type of a leaf, leaf-list, or list key.
    pub fn value_type(&self) -> Option<ValueType> {
        match self.kind {
            Kind::Leaf(t) | Kind::LeafList(t) => Some(t),
            Kind::List { key, .. } => Some(key),
            _ => None,
        }
    }

    const fn mandatory(mut self) -> Self {
        self.mandatory = true;
        self
    }

    const fn secret(mut self) -> Self {
        self.secret = true;
        self
    }

    const fn refers_to(mut self, list: &'static [&'static str]) -> Self {
        self.reference = Some(list);
        self
    }
}

/// The statement called `name` among `nodes`.
pub fn find(nodes: &'static [SchemaNode], name: &str) -> Option<&'static SchemaNode> {
    nodes.iter().find(|n| n.name == name)
}

/// Position of `name` among `nodes` (print order).
pub(crate) fn order(nodes: &'static [SchemaNode], name: &str) -> usize {
    nodes
        .iter()
        .position(|n| n.name == name)
        .unwrap_or(usize::MAX)
}

/// The schema node at an absolute path of statement names (no list keys).
pub fn lookup(path: &[&str]) -> Option<&'static SchemaNode> {
    let (first, rest) = path.split_first()?;
    let mut node = find(ROOT, first)?;
    for name in rest {
        node = node.child(name)?;
    }
    Some(node)
}

const fn node(name: &'static str, kind: Kind, help: &'static str) -> SchemaNode {
    SchemaNode {
        name,
        kind,
        mandatory: false,
        secret: false,
        reference: None,
        help,
    }
}

const fn container(
    name: &'static str,
    help: &'static str,
    children: &'static [SchemaNode],
) -> SchemaNode {
    node(
        name,
        Kind::Container {
            presence: false,
            children,
        },
        help,
    )
}

const fn presence(
    name: &'static str,
    help: &'static str,
    children: &'static [SchemaNode],
) -> SchemaNode {
    node(
        name,
        Kind::Container {
            presence: true,
            children,
        },
        help,
    )
}

const fn list(
    name: &'static str,
    key: ValueType,
    help: &'static str,
    children: &'static [SchemaNode],
) -> SchemaNode {
    node(name, Kind::List { key, children }, help)
}

const fn leaf(name: &'static str, ty: ValueType, help: &'static str) -> SchemaNode {
    node(name, Kind::Leaf(ty), help)
}

const fn leaf_list(name: &'static str, ty: ValueType, help: &'static str) -> SchemaNode {
    node(name, Kind::LeafList(ty), help)
}

const fn flag(name: &'static str, help: &'static str) -> SchemaNode {
    node(name, Kind::Flag, help)
}

const TEXT: ValueType = ValueType::Text { max_len: 1024 };
const PORT: ValueType = ValueType::Uint { min: 1, max: 65535 };
const MAX_CONNECTIONS: ValueType = ValueType::Uint { min: 1, max: 1000 };

/// Built-in login classes.
pub const LOGIN_CLASSES: &[&str] = &["super-user", "operator", "read-only"];

/// Values of `client-certificate-request`.
pub const CLIENT_CERT_REQUESTS: &[&str] = &[
    "no-certificate",
    "request-certificate",
    "request-certificate-and-verify",
    "require-certificate",
    "require-certificate-and-verify",
];

/// Where `local-certificate` points.
pub const LOCAL_CERTIFICATES: &[&str] = &["security", "certificates", "local"];
/// Where `certificate-authority` points.
pub const CA_PROFILES: &[&str] = &["security", "pki", "ca-profile"];

/// The top of the hierarchy, in print order (`version` first, like Junos).
pub static ROOT: &[SchemaNode] = &[
    leaf("version", TEXT, "Software version information"),
    container("system", "System parameters", SYSTEM),
    container("security", "Security parameters", SECURITY),
];

static SYSTEM: &[SchemaNode] = &[
    leaf("host-name", ValueType::HostName, "Hostname for this router"),
    container(
        "login",
        "Names, login classes, and passwords for users",
        LOGIN,
    ),
    container("services", "System services", SERVICES),
];

static LOGIN: &[SchemaNode] = &[list("user", ValueType::UserName, "Username", USER)];

static USER: &[SchemaNode] = &[
    leaf("full-name", TEXT, "Full name"),
    leaf(
        "uid",
        ValueType::Uint {
            min: 100,
            max: 64000,
        },
        "User identifier (uid)",
    ),
    // Becomes a reference with built-ins once `system login class` is in the schema.
    leaf("class", ValueType::Enum(LOGIN_CLASSES), "Login class").mandatory(),
    container("authentication", "Authentication method", USER_AUTH),
];

static USER_AUTH: &[SchemaNode] = &[leaf(
    "encrypted-password",
    ValueType::CryptHash,
    "Encrypted password string",
)
.secret()];

static SERVICES: &[SchemaNode] = &[container(
    "extension-service",
    "JET extension service (jsd)",
    EXTENSION_SERVICE,
)];

static EXTENSION_SERVICE: &[SchemaNode] = &[
    container(
        "request-response",
        "Request-response servers",
        REQUEST_RESPONSE,
    ),
    container("notification", "Notification (MQTT) service", NOTIFICATION),
];

static REQUEST_RESPONSE: &[SchemaNode] = &[container("grpc", "gRPC server", GRPC)];

static GRPC: &[SchemaNode] = &[
    presence("clear-text", "Clear-text gRPC listener", CLEAR_TEXT),
    presence("ssl", "TLS gRPC listener", SSL),
    leaf(
        "max-connections",
        MAX_CONNECTIONS,
        "Maximum number of client connections",
    ),
    flag(
        "skip-authentication",
        "Do not require Login for gRPC clients",
    ),
];

static CLEAR_TEXT: &[SchemaNode] = &[
    leaf("address", ValueType::IpAddr, "Address to listen on"),
    leaf("port", PORT, "Port to listen on"),
];

static SSL: &[SchemaNode] = &[
    leaf("address", ValueType::IpAddr, "Address to listen on"),
    leaf("port", PORT, "Port to listen on"),
    leaf(
        "local-certificate",
        ValueType::Name,
        "Certificate and key of the server",
    )
    .mandatory()
    .refers_to(LOCAL_CERTIFICATES),
    container(
        "mutual-authentication",
        "Client certificate checking",
        MUTUAL_AUTH,
    ),
];

static MUTUAL_AUTH: &[SchemaNode] = &[
    leaf(
        "certificate-authority",
        ValueType::Name,
        "CA profile that signs client certificates",
    )
    .refers_to(CA_PROFILES),
    leaf(
        "client-certificate-request",
        ValueType::Enum(CLIENT_CERT_REQUESTS),
        "What to ask of clients",
    ),
];

static NOTIFICATION: &[SchemaNode] = &[
    leaf("port", PORT, "MQTT port to listen on"),
    leaf("address", ValueType::IpAddr, "Address to listen on"),
    leaf(
        "max-connections",
        MAX_CONNECTIONS,
        "Maximum number of MQTT clients",
    ),
    container("allow-clients", "Clients allowed to connect", ALLOW_CLIENTS),
];

static ALLOW_CLIENTS: &[SchemaNode] = &[leaf_list(
    "address",
    ValueType::IpPrefix,
    "Prefixes of allowed clients",
)];

static SECURITY: &[SchemaNode] = &[
    container("certificates", "X.509 certificates", CERTIFICATES),
    container("pki", "Public key infrastructure", PKI),
];

static CERTIFICATES: &[SchemaNode] = &[list(
    "local",
    ValueType::Name,
    "Local certificates",
    LOCAL_CERT,
)];

static LOCAL_CERT: &[SchemaNode] = &[leaf(
    "load-key-file",
    TEXT,
    "PEM file with key and certificate (absolute, or relative to the data directory)",
)];

static PKI: &[SchemaNode] = &[list(
    "ca-profile",
    ValueType::Name,
    "CA profiles",
    CA_PROFILE,
)];

static CA_PROFILE: &[SchemaNode] = &[leaf(
    "ca-identity",
    TEXT,
    "Certificate authority identity (file of CA certificates)",
)];

#[cfg(test)]
mod tests {
    use super::*;

    fn check_unique(nodes: &'static [SchemaNode], path: &str) {
        for (i, n) in nodes.iter().enumerate() {
            assert!(
                !nodes[..i].iter().any(|m| m.name == n.name),
                "duplicate statement {} under {path}",
                n.name
            );
            check_unique(n.children(), &format!("{path} {}", n.name));
        }
    }

    #[test]
    fn schema_has_unique_names_per_level() {
        check_unique(ROOT, "");
    }

    #[test]
    fn references_point_at_lists() {
        fn walk(nodes: &'static [SchemaNode]) {
            for n in nodes {
                if let Some(target) = n.reference {
                    let t = lookup(target).expect("reference target exists");
                    assert!(
                        matches!(t.kind, Kind::List { .. }),
                        "{} -> not a list",
                        n.name
                    );
                }
                walk(n.children());
            }
        }
        walk(ROOT);
    }
}
