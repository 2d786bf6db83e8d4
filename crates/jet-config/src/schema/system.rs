//! `system` (host name, login, services, syslog, extensions, configuration database)
//! and `security` (certificates, PKI).

use super::node::{container, flag, leaf, leaf_list, list, presence, SchemaNode, PORT, TEXT};
use crate::value::ValueType;

const MAX_CONNECTIONS: ValueType = ValueType::Uint { min: 1, max: 1000 };

/// Built-in login classes.
pub const LOGIN_CLASSES: &[&str] = &["super-user", "operator", "read-only"];

/// Permission flags of `system login class NAME permissions`.
pub const PERMISSIONS: &[&str] = &[
    "access",
    "access-control",
    "admin",
    "admin-control",
    "all",
    "clear",
    "configure",
    "control",
    "field",
    "firewall",
    "firewall-control",
    "interface",
    "interface-control",
    "maintenance",
    "network",
    "reset",
    "rollback",
    "routing",
    "routing-control",
    "secret",
    "secret-control",
    "security",
    "security-control",
    "shell",
    "snmp",
    "snmp-control",
    "system",
    "system-control",
    "trace",
    "trace-control",
    "view",
    "view-configuration",
];

/// Junos syslog facilities.
pub const SYSLOG_FACILITIES: &[&str] = &[
    "any",
    "authorization",
    "change-log",
    "conflict-log",
    "daemon",
    "dfc",
    "external",
    "firewall",
    "ftp",
    "interactive-commands",
    "kernel",
    "ntp",
    "pfe",
    "security",
    "user",
];

/// Junos syslog severities, most severe first (`any` and `none` last).
pub const SYSLOG_SEVERITIES: &[&str] = &[
    "emergency",
    "alert",
    "critical",
    "error",
    "warning",
    "notice",
    "info",
    "any",
    "none",
];

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
/// Where a routing-instance name points.
pub(super) const ROUTING_INSTANCES: &[&str] = &["routing-instances", "instance"];

pub(super) static SYSTEM: &[SchemaNode] = &[
    leaf("host-name", ValueType::HostName, "Hostname for this router"),
    leaf(
        "domain-name",
        ValueType::HostName,
        "Domain name for this router",
    ),
    leaf(
        "time-zone",
        ValueType::TimeZone,
        "Time zone name or POSIX TZ",
    ),
    container(
        "login",
        "Names, login classes, and passwords for users",
        LOGIN,
    ),
    container("services", "System services", SERVICES),
    container("syslog", "System logging facility", SYSLOG),
    container(
        "extensions",
        "Configuration for extensions to JUNOS",
        EXTENSIONS,
    ),
    container(
        "configuration-database",
        "Configuration database parameters",
        CONFIGURATION_DATABASE,
    ),
];

static LOGIN: &[SchemaNode] = &[
    list("class", ValueType::Name, "Login class", CLASS),
    list("user", ValueType::UserName, "Username", USER),
];

static CLASS: &[SchemaNode] = &[
    leaf(
        "idle-timeout",
        ValueType::Uint { min: 0, max: 4096 },
        "Maximum idle time before logout (minutes)",
    ),
    leaf_list(
        "permissions",
        ValueType::Enum(PERMISSIONS),
        "Set of permitted operation categories",
    ),
];

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
    // A built-in class or a `system login class` (checked by `validate`).
    leaf("class", ValueType::Name, "Login class").mandatory(),
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
    leaf_list(
        "deny-subscribe",
        ValueType::Text { max_len: 1024 },
        "Topic filters no client may subscribe to (SUBACK 0x80)",
    ),
    container(
        "authentication",
        "MQTT client authentication",
        NOTIFICATION_AUTHENTICATION,
    ),
    presence("ssl", "MQTT over TLS listener", NOTIFICATION_SSL),
    list(
        "bridge",
        ValueType::Name,
        "Forward device events to an external MQTT broker",
        NOTIFICATION_BRIDGE,
    ),
    // ---- notification per-client limits (issue 16, jet-notify `Limits`) ----
    leaf(
        "max-queued-messages",
        ValueType::Uint {
            min: 1,
            max: 1_000_000,
        },
        "Messages queued per client before its publishers wait (default 1000)",
    ),
    leaf(
        "max-queued-bytes",
        ValueType::Uint {
            min: 1024,
            max: 1 << 30,
        },
        "Bytes queued per client before its publishers wait (default 1048576)",
    ),
    leaf(
        "max-publisher-wait",
        ValueType::Uint { min: 1, max: 3600 },
        "Seconds a publisher may wait for one slow client before it is disconnected (default 10)",
    ),
    // ---- end of notification per-client limits ----
];

static NOTIFICATION_AUTHENTICATION: &[SchemaNode] = &[flag(
    "required",
    "Clients must log in with a user name and password of system login",
)];

static NOTIFICATION_SSL: &[SchemaNode] = &[
    leaf("address", ValueType::IpAddr, "Address to listen on"),
    leaf("port", PORT, "Port to listen on"),
    leaf(
        "local-certificate",
        ValueType::Name,
        "Certificate and key of the server",
    ),
];

static NOTIFICATION_BRIDGE: &[SchemaNode] = &[
    leaf(
        "address",
        ValueType::IpAddr,
        "Address of the external broker",
    ),
    leaf("port", PORT, "Port of the external broker (default 1883)"),
    leaf_list(
        "topic",
        ValueType::Text { max_len: 1024 },
        "Topic filters to forward (default /junos/events/#)",
    ),
];

static ALLOW_CLIENTS: &[SchemaNode] = &[leaf_list(
    "address",
    ValueType::IpPrefix,
    "Prefixes of allowed clients",
)];

static SYSLOG: &[SchemaNode] = &[
    list(
        "host",
        ValueType::HostName,
        "Host to be notified",
        SYSLOG_HOST,
    ),
    list(
        "file",
        ValueType::Name,
        "File in which to log data",
        SYSLOG_FILE,
    ),
];

const fn severity(name: &'static str, help: &'static str) -> SchemaNode {
    flag(name, help).inline().choice(1)
}

static SEVERITY: &[SchemaNode] = &[
    severity("emergency", "Panic conditions"),
    severity("alert", "Conditions that should be corrected immediately"),
    severity("critical", "Critical conditions"),
    severity("error", "Error conditions"),
    severity("warning", "Warning messages"),
    severity("notice", "Conditions that should be handled specially"),
    severity("info", "Informational messages"),
    severity("any", "All levels"),
    severity("none", "No messages"),
];

const CONTENTS: SchemaNode = list(
    "contents",
    ValueType::Enum(SYSLOG_FACILITIES),
    "Facility and the lowest severity logged",
    SEVERITY,
)
.bare();

static SYSLOG_FILE: &[SchemaNode] = &[CONTENTS];

static SYSLOG_HOST: &[SchemaNode] = &[CONTENTS, leaf("port", PORT, "Port number")];

static EXTENSIONS: &[SchemaNode] = &[
    list(
        "providers",
        ValueType::Name,
        "Provider identifier",
        PROVIDER,
    )
    .braced(),
    container(
        "extension-service",
        "On-box extension applications",
        EXTENSION_APPS,
    ),
];

static PROVIDER: &[SchemaNode] = &[list(
    "license-type",
    ValueType::Enum(&["juniper", "customer"]),
    "License type of the provider's applications",
    LICENSE_TYPE,
)];

static LICENSE_TYPE: &[SchemaNode] = &[leaf_list(
    "deployment-scope",
    ValueType::Enum(&["commercial", "private"]),
    "Deployment scope",
)
.inline()];

static EXTENSION_APPS: &[SchemaNode] =
    &[container("application", "On-box applications", APPLICATION)];

/// Interpreters an on-box application may name (`interpreter`); without one the file
/// runs as an executable.
pub(super) const APP_INTERPRETERS: &[&str] = &["bash", "python", "python3", "sh"];

static APPLICATION: &[SchemaNode] = &[
    list(
        "file",
        ValueType::Name,
        "Application file (in the applications directory)",
        APP_FILE,
    ),
    leaf(
        "max-datasize",
        ValueType::Bandwidth,
        "Maximum data segment size of each application (bytes, k/m/g suffix)",
    ),
];

static APP_FILE: &[SchemaNode] = &[
    leaf("arguments", TEXT, "Command-line arguments"),
    flag("daemonize", "Run the application as a daemon"),
    flag(
        "respawn-on-normal-exit",
        "Restart the application when it exits normally",
    ),
    leaf(
        "username",
        ValueType::UserName,
        "User the application runs as",
    ),
    leaf(
        "routing-instance",
        ValueType::Name,
        "Routing instance the application runs in",
    )
    .refers_to(ROUTING_INSTANCES),
    leaf(
        "interpreter",
        ValueType::Enum(APP_INTERPRETERS),
        "Interpreter that runs the application file",
    ),
    flag(
        "optional",
        "Commit even when the application file is missing",
    ),
    container(
        "checksum",
        "Checksum the application file must have",
        APP_CHECKSUM,
    )
    .oneliner_plus(),
    container("start", "Start parameters", APP_START),
    container(
        "resource-limits",
        "Operating-system limits of the application process (OpenJET)",
        APP_LIMITS,
    ),
];

static APP_CHECKSUM: &[SchemaNode] = &[
    leaf("md5", TEXT, "MD5 checksum (hex)").choice(1),
    leaf("sha1", TEXT, "SHA-1 checksum (hex)").choice(1),
    leaf("sha-256", TEXT, "SHA-256 checksum (hex)").choice(1),
];

static APP_START: &[SchemaNode] = &[container(
    "start-options",
    "Start options",
    APP_START_OPTIONS,
)];

static APP_START_OPTIONS: &[SchemaNode] = &[leaf(
    "mem-factor",
    ValueType::Uint { min: 1, max: 100 },
    "Percentage of max-datasize this application may use",
)];

static APP_LIMITS: &[SchemaNode] = &[
    leaf(
        "cpu-time",
        ValueType::Uint {
            min: 1,
            max: 1_000_000,
        },
        "CPU time the process may use (seconds)",
    ),
    leaf(
        "open-files",
        ValueType::Uint { min: 8, max: 65536 },
        "Open file descriptors the process may hold",
    ),
];

static CONFIGURATION_DATABASE: &[SchemaNode] = &[container(
    "ephemeral",
    "Ephemeral configuration database",
    EPHEMERAL,
)];

static EPHEMERAL: &[SchemaNode] = &[list(
    "instance",
    ValueType::Name,
    "Ephemeral database instance",
    &[],
)];

pub(super) static SECURITY: &[SchemaNode] = &[
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
