//! Value types of leaves, leaf-lists and list keys: checking, canonical form, quoting.
//!
//! Values are stored in the tree as their canonical strings (`ValueType::canonical`), so
//! that every printer is a plain walk and round trips are exact: `0100` becomes `100`,
//! `2001:DB8::0:1` becomes `2001:db8::1`.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

pub mod generated;

pub use generated::GenType;

/// The type of a value in the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    /// Free text, printed quoted when needed. No control characters; at most `max_len`
    /// characters.
    Text {
        /// Maximum length in characters.
        max_len: usize,
    },
    /// A name (list keys such as certificate or profile names): 1..=64 characters of
    /// letters, digits, `-`, `_`, `.`; starting with a letter, digit or `_`.
    Name,
    /// A host name: letters, digits, `-`, `.`; 1..=255 characters.
    HostName,
    /// A login user name: `[a-z_][a-z0-9_.-]{0,63}`.
    UserName,
    /// An unsigned integer in `min..=max` (printed unquoted in JSON).
    Uint {
        /// Smallest accepted value.
        min: u64,
        /// Largest accepted value.
        max: u64,
    },
    /// One of a fixed set of keywords.
    Enum(&'static [&'static str]),
    /// An IPv4 or IPv6 address.
    IpAddr,
    /// An IPv4 or IPv6 prefix `addr/len`; a bare address means a host prefix (/32, /128).
    IpPrefix,
    /// A crypt(3) hash: `$1$`, `$5$` or `$6$`, optional `rounds=N$`, salt, `$`, hash.
    CryptHash,
    /// An IPv4 address.
    Ipv4Addr,
    /// An IPv4 prefix (a bare address means /32).
    Ipv4Prefix,
    /// An IPv6 prefix (a bare address means /128).
    Ipv6Prefix,
    /// A physical or logical device name: `ge-0/0/0`, `xe-1/0/0:2`, `lo0`, `ae1`.
    IfName,
    /// A logical interface: `ge-0/0/0.0`, `lo0.0`.
    IflName,
    /// A rate or size with an optional `k`, `m` or `g` suffix (`10m`, `1500`, `1g`).
    Bandwidth,
    /// A prefix length bound after `upto`: `/0`..`/128`.
    PrefixLen,
    /// A range of prefix lengths after `prefix-length-range`: `/16-/24` (low ≤ high).
    PrefixLenRange,
    /// A keyword of `choices` or a number in `0..=max` (`tcp` or `6`).
    KeywordOrNumber {
        /// Accepted keywords.
        choices: &'static [&'static str],
        /// Largest accepted number.
        max: u64,
    },
    /// A port: a number, a range `low-high`, or a well-known name (`ssh`, `bgp`...).
    Port,
    /// A time zone such as `UTC`, `Europe/Paris`, `GMT+2`.
    TimeZone,
    /// A type of the generated Junos schema (ranges, patterns, typedefs, unions).
    Gen(&'static GenType),
}

/// Port names accepted by [`ValueType::Port`], with their numbers.
pub const PORT_NAMES: &[(&str, u16)] = &[
    ("bgp", 179),
    ("dhcp", 67),
    ("dns", 53),
    ("domain", 53),
    ("ftp", 21),
    ("ftp-data", 20),
    ("http", 80),
    ("https", 443),
    ("ldp", 646),
    ("netconf", 830),
    ("ntp", 123),
    ("radius", 1812),
    ("snmp", 161),
    ("snmptrap", 162),
    ("ssh", 22),
    ("syslog", 514),
    ("tacacs", 49),
    ("telnet", 23),
    ("tftp", 69),
];

impl ValueType {
    /// Checks `raw` for a statement called `name` and returns its canonical form, or the
    /// reason it is refused (naming the value and the statement).
    pub fn canonical(&self, name: &str, raw: &str) -> Result<String, String> {
        if is_wildcard(raw) {
            // Group wildcards (`<ge-*>`): only kept in groups (checked at commit).
            return Ok(raw.to_owned());
        }
        match *self {
            ValueType::Text { max_len } => {
                if raw.chars().any(char::is_control) {
                    return Err(format!(
                        "invalid value for {name}: control characters are not allowed"
                    ));
                }
                if raw.chars().count() > max_len {
                    return Err(format!(
                        "value too long for {name} (at most {max_len} characters)"
                    ));
                }
                Ok(raw.to_owned())
            }
            ValueType::Name => {
                let ok = (1..=64).contains(&raw.len())
                    && raw.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
                    && raw
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
                if ok {
                    Ok(raw.to_owned())
                } else {
                    Err(format!(
                        "invalid name '{raw}' for {name}: use 1..64 letters, digits, '-', '_' or '.'"
                    ))
                }
            }
            ValueType::HostName => {
                let ok = (1..=255).contains(&raw.len())
                    && raw
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
                if ok {
                    Ok(raw.to_owned())
                } else {
                    Err(format!(
                        "invalid host-name '{raw}': use 1..255 letters, digits, '-' or '.'"
                    ))
                }
            }
            ValueType::UserName => {
                let mut chars = raw.chars();
                let first_ok = chars
                    .next()
                    .is_some_and(|c| c.is_ascii_lowercase() || c == '_');
                let rest_ok = chars.all(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.' || c == '-'
                });
                if first_ok && rest_ok && raw.len() <= 64 {
                    Ok(raw.to_owned())
                } else {
                    Err(format!(
                        "invalid user name '{raw}': must match [a-z_][a-z0-9_.-]{{0,63}}"
                    ))
                }
            }
            ValueType::Uint { min, max } => {
                if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(format!(
                        "invalid numeric value '{raw}' for {name} ({min}..{max})"
                    ));
                }
                match raw.parse::<u64>() {
                    Ok(v) if (min..=max).contains(&v) => Ok(v.to_string()),
                    _ => Err(format!(
                        "value out of range {raw} for {name} ({min}..{max})"
                    )),
                }
            }
            ValueType::Enum(choices) => {
                if choices.contains(&raw) {
                    Ok(raw.to_owned())
                } else {
                    Err(format!(
                        "invalid value '{raw}' for {name}: expected one of {}",
                        choices.join(", ")
                    ))
                }
            }
            ValueType::IpAddr => match IpAddr::from_str(raw) {
                Ok(a) => Ok(a.to_string()),
                Err(_) => Err(format!("invalid ip address '{raw}' for {name}")),
            },
            ValueType::IpPrefix => match IpPrefix::from_str(raw) {
                Ok(p) => Ok(p.to_string()),
                Err(_) => Err(format!("invalid ip prefix '{raw}' for {name}")),
            },
            ValueType::Ipv4Addr => match raw.parse::<std::net::Ipv4Addr>() {
                Ok(a) => Ok(a.to_string()),
                Err(_) => Err(format!("invalid IPv4 address '{raw}' for {name}")),
            },
            ValueType::Ipv4Prefix | ValueType::Ipv6Prefix => {
                let want_v4 = matches!(self, ValueType::Ipv4Prefix);
                match IpPrefix::from_str(raw) {
                    Ok(p) if p.addr.is_ipv4() == want_v4 => Ok(p.to_string()),
                    _ => Err(format!(
                        "invalid {} prefix '{raw}' for {name}",
                        if want_v4 { "IPv4" } else { "IPv6" }
                    )),
                }
            }
            ValueType::IfName => {
                if is_ifd_name(raw) {
                    Ok(raw.to_owned())
                } else {
                    Err(format!(
                        "invalid interface name '{raw}' for {name}: expected a name such as ge-0/0/0, xe-0/0/1:2, lo0 or ae1"
                    ))
                }
            }
            ValueType::IflName => match raw.rsplit_once('.') {
                Some((ifd, unit))
                    if is_ifd_name(ifd)
                        && !unit.is_empty()
                        && unit.len() <= 5
                        && unit.bytes().all(|b| b.is_ascii_digit())
                        && unit.parse::<u32>().is_ok_and(|u| u <= 16385) =>
                {
                    Ok(format!("{ifd}.{}", unit.parse::<u32>().unwrap_or_default()))
                }
                _ => Err(format!(
                    "invalid logical interface '{raw}' for {name}: expected NAME.UNIT such as ge-0/0/0.0"
                )),
            },
            ValueType::Bandwidth => {
                let lower = raw.to_ascii_lowercase();
                let digits = lower.trim_end_matches(['k', 'm', 'g']);
                let suffix_len = lower.len() - digits.len();
                let ok = suffix_len <= 1
                    && !digits.is_empty()
                    && digits.len() <= 12
                    && digits.bytes().all(|b| b.is_ascii_digit())
                    && digits.parse::<u64>().is_ok_and(|v| v > 0);
                if ok {
                    let n: u64 = digits.parse().unwrap_or_default();
                    Ok(format!("{n}{}", &lower[digits.len()..]))
                } else {
                    Err(format!(
                        "invalid value '{raw}' for {name}: expected a positive number with an optional k, m or g suffix"
                    ))
                }
            }
            ValueType::PrefixLen => match prefix_len(raw) {
                Some(n) => Ok(format!("/{n}")),
                None => Err(format!(
                    "invalid prefix length '{raw}' for {name}: expected /0../128"
                )),
            },
            ValueType::PrefixLenRange => match prefix_len_range(raw) {
                Some((lo, hi)) => Ok(format!("/{lo}-/{hi}")),
                None => Err(format!(
                    "invalid prefix length range '{raw}' for {name}: expected /LOW-/HIGH, 0 <= LOW <= HIGH <= 128"
                )),
            },
            ValueType::KeywordOrNumber { choices, max } => {
                if choices.contains(&raw) {
                    return Ok(raw.to_owned());
                }
                match raw.parse::<u64>() {
                    Ok(v) if v <= max && raw.bytes().all(|b| b.is_ascii_digit()) => {
                        Ok(v.to_string())
                    }
                    _ => Err(format!(
                        "invalid value '{raw}' for {name}: expected 0..{max} or one of {}",
                        choices.join(", ")
                    )),
                }
            }
            ValueType::Port => {
                if PORT_NAMES.iter().any(|(n, _)| *n == raw) {
                    return Ok(raw.to_owned());
                }
                let num = |s: &str| {
                    if s.is_empty() || s.len() > 5 || !s.bytes().all(|b| b.is_ascii_digit()) {
                        return None;
                    }
                    s.parse::<u16>().ok()
                };
                match raw.split_once('-') {
                    None => num(raw).map(|p| p.to_string()),
                    Some((lo, hi)) => match (num(lo), num(hi)) {
                        (Some(l), Some(h)) if l <= h => Some(format!("{l}-{h}")),
                        _ => None,
                    },
                }
                .ok_or_else(|| {
                    format!(
                        "invalid port '{raw}' for {name}: expected 0..65535, LOW-HIGH or a port name"
                    )
                })
            }
            ValueType::TimeZone => {
                let ok = (1..=64).contains(&raw.len())
                    && raw.starts_with(|c: char| c.is_ascii_alphabetic())
                    && raw
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_+-/".contains(c));
                if ok {
                    Ok(raw.to_owned())
                } else {
                    Err(format!("invalid time zone '{raw}' for {name}"))
                }
            }
            ValueType::Gen(t) => t.canonical(name, raw),
            ValueType::CryptHash => {
                if is_crypt_hash(raw) {
                    Ok(raw.to_owned())
                } else {
                    Err(format!(
                        "invalid {name}: expected a crypt hash such as \"$6$salt$hash\" ($1$, $5$ or $6$)"
                    ))
                }
            }
        }
    }

    /// True for integer types, which JSON prints unquoted.
    pub fn is_integer(&self) -> bool {
        match self {
            ValueType::Uint { .. } => true,
            ValueType::Gen(t) => t.is_integer(),
            _ => false,
        }
    }

    /// A short description for help and completion: `<1..65535>`, `<ip-address>`...
    pub fn describe(&self) -> String {
        match self {
            ValueType::Text { .. } => "<string>".into(),
            ValueType::Name => "<name>".into(),
            ValueType::HostName => "<host-name>".into(),
            ValueType::UserName => "<user-name>".into(),
            ValueType::Uint { min, max } => format!("<{min}..{max}>"),
            ValueType::Enum(c) => c.join("|"),
            ValueType::IpAddr => "<ip-address>".into(),
            ValueType::IpPrefix => "<ip-prefix>".into(),
            ValueType::CryptHash => "<crypt-hash>".into(),
            ValueType::Ipv4Addr => "<ipv4-address>".into(),
            ValueType::Ipv4Prefix => "<ipv4-prefix>".into(),
            ValueType::Ipv6Prefix => "<ipv6-prefix>".into(),
            ValueType::IfName => "<interface-name>".into(),
            ValueType::IflName => "<interface-name.unit>".into(),
            ValueType::Bandwidth => "<number[k|m|g]>".into(),
            ValueType::PrefixLen => "</length>".into(),
            ValueType::PrefixLenRange => "</low-/high>".into(),
            ValueType::KeywordOrNumber { choices, max } => {
                format!("{}|<0..{max}>", choices.join("|"))
            }
            ValueType::Port => "<port>".into(),
            ValueType::TimeZone => "<time-zone>".into(),
            ValueType::Gen(t) => t.describe(),
        }
    }
}

/// A prefix length `/N` (N ≤ 128).
pub fn prefix_len(raw: &str) -> Option<u8> {
    let n = raw.strip_prefix('/')?;
    if n.is_empty() || n.len() > 3 || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse::<u8>().ok().filter(|v| *v <= 128)
}

/// The bounds of a prefix length range `/LOW-/HIGH` (LOW ≤ HIGH ≤ 128).
pub fn prefix_len_range(raw: &str) -> Option<(u8, u8)> {
    let (lo, hi) = raw.split_once('-')?;
    let (lo, hi) = (prefix_len(lo)?, prefix_len(hi)?);
    (lo <= hi).then_some((lo, hi))
}

/// A Junos group wildcard such as `<ge-*>` or `<*>`.
pub fn is_wildcard(s: &str) -> bool {
    s.len() > 2 && s.starts_with('<') && s.ends_with('>') && !s.contains(char::is_whitespace)
}

/// True when `key` matches the group wildcard `pattern` (`<ge-*>`: `*` any run of
/// characters, `?` one character, `[abc]`/`[a-z]` one of a set).
pub fn wildcard_matches(pattern: &str, key: &str) -> bool {
    let Some(p) = pattern.strip_prefix('<').and_then(|p| p.strip_suffix('>')) else {
        return false;
    };
    glob(p.as_bytes(), key.as_bytes())
}

fn glob(p: &[u8], s: &[u8]) -> bool {
    match p.first() {
        None => s.is_empty(),
        Some(b'*') => (0..=s.len()).any(|i| glob(&p[1..], &s[i..])),
        Some(b'?') => !s.is_empty() && glob(&p[1..], &s[1..]),
        Some(b'[') => {
            let Some(end) = p.iter().position(|&c| c == b']') else {
                return false;
            };
            let Some(&c) = s.first() else { return false };
            let set = &p[1..end];
            let mut hit = false;
            let mut i = 0;
            while i < set.len() {
                if i + 2 < set.len() && set[i + 1] == b'-' {
                    hit |= (set[i]..=set[i + 2]).contains(&c);
                    i += 3;
                } else {
                    hit |= set[i] == c;
                    i += 1;
                }
            }
            hit && glob(&p[end + 1..], &s[1..])
        }
        Some(&c) => s.first() == Some(&c) && glob(&p[1..], &s[1..]),
    }
}

/// `ge-0/0/0`, `xe-1/0/0:2`, `lo0`, `ae12`, `irb`: a lowercase type, then either
/// digits or `-FPC/PIC/PORT[:CHANNEL]`.
fn is_ifd_name(s: &str) -> bool {
    if s.is_empty() || s.len() > 64 {
        return false;
    }
    let ty_len = s.bytes().take_while(u8::is_ascii_lowercase).count();
    if ty_len == 0 {
        return false;
    }
    let rest = &s[ty_len..];
    let digits = |t: &str| !t.is_empty() && t.len() <= 5 && t.bytes().all(|b| b.is_ascii_digit());
    if rest.is_empty() || digits(rest) {
        return true;
    }
    let Some(slots) = rest.strip_prefix('-') else {
        return false;
    };
    let (slots, channel) = match slots.split_once(':') {
        Some((s, c)) => (s, Some(c)),
        None => (slots, None),
    };
    let parts: Vec<&str> = slots.split('/').collect();
    parts.len() == 3 && parts.iter().all(|p| digits(p)) && channel.is_none_or(digits)
}

/// `$id$[rounds=N$]salt$hash` with the hash length of the scheme.
fn is_crypt_hash(s: &str) -> bool {
    let (rest, hash_len, salt_max) = if let Some(r) = s.strip_prefix("$6$") {
        (r, 86, 16)
    } else if let Some(r) = s.strip_prefix("$5$") {
        (r, 43, 16)
    } else if let Some(r) = s.strip_prefix("$1$") {
        (r, 22, 8)
    } else {
        return false;
    };
    let b64 = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '/';
    let mut parts: Vec<&str> = rest.split('$').collect();
    if parts.len() == 3 && !s.starts_with("$1$") {
        let rounds = parts.remove(0);
        let ok = rounds
            .strip_prefix("rounds=")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if !ok {
            return false;
        }
    }
    match parts.as_slice() {
        [salt, hash] => {
            (1..=salt_max).contains(&salt.len())
                && salt.chars().all(b64)
                && hash.len() == hash_len
                && hash.chars().all(b64)
        }
        _ => false,
    }
}

/// An annotation in canonical form: one line (control characters and runs of blanks
/// become one space), no `*/`, trimmed; `None` when nothing is left.
pub(crate) fn annotation(s: &str) -> Option<String> {
    let mut t = s.to_owned();
    while t.contains("*/") {
        t = t.replace("*/", "");
    }
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        let c = if c.is_control() || c.is_whitespace() {
            ' '
        } else {
            c
        };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(c);
    }
    let out = out.trim_end().to_owned();
    (!out.is_empty()).then_some(out)
}

/// True when `s` must be printed in double quotes in Junos text and `set` output.
pub(crate) fn needs_quotes(s: &str) -> bool {
    if is_wildcard(s) {
        // Group wildcards are written bare, as Junos shows them (`<ge-*>`).
        return s[1..s.len() - 1]
            .chars()
            .any(|c| !(c.is_ascii_alphanumeric() || "-_.:/*?[]".contains(c)));
    }
    if s == "*" {
        return false;
    }
    s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:/@+,=".contains(c))
}

/// `s` as a Junos token: bare when safe, else `"..."` with `"` and `\` escaped.
pub fn quote(s: &str) -> String {
    if needs_quotes(s) {
        quote_always(s)
    } else {
        s.to_owned()
    }
}

/// `s` in double quotes, `"` and `\` escaped.
pub(crate) fn quote_always(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// An IP prefix: address and length. The address is kept as written (host bits are not
/// cleared), like Junos keeps `allow-clients` entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IpPrefix {
    /// The address.
    pub addr: IpAddr,
    /// The prefix length (0..=32 or 0..=128).
    pub len: u8,
}

impl IpPrefix {
    /// True when `ip` falls inside this prefix (different families never match).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(a)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.len)).unwrap_or(0);
                u32::from(net) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.len))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// Error parsing an [`IpPrefix`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadPrefix;

impl fmt::Display for BadPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid ip prefix")
    }
}

impl std::error::Error for BadPrefix {}

impl FromStr for IpPrefix {
    type Err = BadPrefix;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (a, l) = match s.split_once('/') {
            Some((a, l)) => (a, Some(l)),
            None => (s, None),
        };
        let addr = IpAddr::from_str(a).map_err(|_| BadPrefix)?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let len = match l {
            None => max,
            Some(l) if !l.is_empty() && l.len() <= 3 && l.bytes().all(|b| b.is_ascii_digit()) => {
                l.parse::<u8>().map_err(|_| BadPrefix)?
            }
            Some(_) => return Err(BadPrefix),
        };
        if len > max {
            return Err(BadPrefix);
        }
        Ok(IpPrefix { addr, len })
    }
}

impl fmt::Display for IpPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PORT: ValueType = ValueType::Uint { min: 1, max: 65535 };

    #[test]
    fn uint_is_canonicalised_and_range_checked() {
        assert_eq!(PORT.canonical("port", "0080"), Ok("80".into()));
        assert_eq!(
            PORT.canonical("port", "70000"),
            Err("value out of range 70000 for port (1..65535)".into())
        );
        assert!(PORT.canonical("port", "99999999999999999999999").is_err());
        assert!(PORT
            .canonical("port", "-1")
            .unwrap_err()
            .contains("invalid numeric value"));
    }

    #[test]
    fn addresses_and_prefixes_are_canonical() {
        assert_eq!(
            ValueType::IpAddr.canonical("a", "2001:DB8::0:1"),
            Ok("2001:db8::1".into())
        );
        assert_eq!(
            ValueType::IpPrefix.canonical("a", "10.0.0.1"),
            Ok("10.0.0.1/32".into())
        );
        assert_eq!(
            ValueType::IpPrefix.canonical("a", "::1/128"),
            Ok("::1/128".into())
        );
        assert!(ValueType::IpPrefix.canonical("a", "10.0.0.0/33").is_err());
        assert!(ValueType::IpPrefix.canonical("a", "10.0.0.0/").is_err());
        assert!(ValueType::IpAddr.canonical("a", "10.0.0.256").is_err());
    }

    #[test]
    fn prefix_contains_checks_masked_bits() {
        let p: IpPrefix = "10.0.0.0/8".parse().expect("prefix");
        assert!(p.contains("10.200.1.1".parse().expect("ip")));
        assert!(!p.contains("11.0.0.1".parse().expect("ip")));
        let all: IpPrefix = "0.0.0.0/0".parse().expect("prefix");
        assert!(all.contains("192.0.2.1".parse().expect("ip")));
        assert!(!all.contains("::1".parse().expect("ip")));
    }

    #[test]
    fn crypt_hashes_must_have_scheme_salt_and_hash_length() {
        let h6 = format!("$6$abcdefgh${}", "a".repeat(86));
        assert!(is_crypt_hash(&h6));
        assert!(is_crypt_hash(&format!(
            "$6$rounds=10000$salt${}",
            "b".repeat(86)
        )));
        assert!(is_crypt_hash(&format!("$5$s${}", "c".repeat(43))));
        assert!(is_crypt_hash(&format!("$1$12345678${}", "d".repeat(22))));
        assert!(!is_crypt_hash("$6$abc$short"));
        assert!(!is_crypt_hash("plaintext"));
        assert!(!is_crypt_hash(&format!("$2$s${}", "c".repeat(43))));
        assert!(!is_crypt_hash(&format!("$6$sa lt${}", "a".repeat(86))));
    }

    #[test]
    fn group_wildcards_match_like_junos() {
        assert!(wildcard_matches("<ge-*>", "ge-0/0/0"));
        assert!(!wildcard_matches("<ge-*>", "xe-0/0/0"));
        assert!(wildcard_matches("<*>", "anything"));
        assert!(wildcard_matches("<[gx]e-0/0/?>", "xe-0/0/3"));
        assert!(!wildcard_matches("<[gx]e-0/0/?>", "et-0/0/3"));
        assert!(!wildcard_matches("ge-*", "ge-0/0/0"));
    }

    #[test]
    fn names_follow_their_syntax() {
        assert!(ValueType::UserName.canonical("user", "admin").is_ok());
        assert!(ValueType::UserName.canonical("user", "_svc.x-1").is_ok());
        assert!(ValueType::UserName.canonical("user", "Admin").is_err());
        assert!(ValueType::UserName.canonical("user", "").is_err());
        assert!(ValueType::UserName
            .canonical("user", &"a".repeat(65))
            .is_err());
        assert!(ValueType::HostName
            .canonical("host-name", "r1.lab-2")
            .is_ok());
        assert!(ValueType::HostName.canonical("host-name", "r 1").is_err());
        assert!(ValueType::Text { max_len: 4 }
            .canonical("x", "a\nb")
            .is_err());
    }

    #[test]
    fn quoting_protects_specials_and_escapes_quotes() {
        assert_eq!(quote("r1"), "r1");
        assert_eq!(quote("10.0.0.0/8"), "10.0.0.0/8");
        assert_eq!(quote("John Doe"), "\"John Doe\"");
        assert_eq!(quote("$6$x"), "\"$6$x\"");
        assert_eq!(quote(""), "\"\"");
        assert_eq!(quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }
}
