//! Value types of the generated schema: a YANG base type with Junos's restrictions
//! (ranges, lengths, POSIX and YANG patterns, enumerations, unions) and the Junos
//! typedefs we can check (`ipv4addr`, `ipprefix`, `mac-addr`, `interface-name`...).
//!
//! Patterns are compiled once per type, on first use. A pattern our regex engine cannot
//! compile is not enforced (listed by `GenType::unchecked_patterns`).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::OnceLock;

use regex::Regex;

use super::{IpPrefix, ValueType};

/// A generated leaf or key type.
#[derive(Debug)]
pub struct GenType {
    /// YANG base type (`string`, `uint32`, `enumeration`, `union`...).
    pub base: &'static str,
    /// Junos typedef name (`ipv4prefix`, `interface-name`), if any.
    pub typedef: Option<&'static str>,
    /// Group wildcards (`<ge-*>`) and `$variables` are accepted in place of a value.
    pub placeholder_ok: bool,
    /// Allowed numeric ranges (inclusive), empty for the base type's own bounds.
    pub ranges: Vec<(i128, i128)>,
    /// Decimal ranges of `decimal64`, as written.
    pub range_text: Option<&'static str>,
    /// Allowed lengths in characters.
    pub lengths: Vec<(usize, usize)>,
    /// Enumeration values.
    pub enums: &'static [&'static str],
    /// Patterns as written (`!` first means the value must not match).
    pub patterns: Vec<Pattern>,
    /// Union members, tried in order.
    pub members: Vec<&'static GenType>,
}

/// One pattern of a type.
#[derive(Debug)]
pub struct Pattern {
    /// The pattern as written in the facts.
    pub text: &'static str,
    /// YANG patterns match the whole value; Junos POSIX patterns match anywhere.
    pub anchored: bool,
    compiled: OnceLock<Option<Regex>>,
}

impl Pattern {
    /// A pattern from the facts.
    pub fn new(text: &'static str, anchored: bool) -> Pattern {
        Pattern {
            text,
            anchored,
            compiled: OnceLock::new(),
        }
    }

    fn negated(&self) -> bool {
        !self.anchored && self.text.starts_with('!')
    }

    fn regex(&self) -> Option<&Regex> {
        self.compiled
            .get_or_init(|| {
                let body = if self.negated() {
                    &self.text[1..]
                } else {
                    self.text
                };
                let src = if self.anchored {
                    format!("^(?:{body})$")
                } else {
                    body.to_owned()
                };
                Regex::new(&src).ok()
            })
            .as_ref()
    }

    /// `Some(true)` when `v` satisfies the pattern, `None` when it cannot be checked.
    fn accepts(&self, v: &str) -> Option<bool> {
        let re = self.regex()?;
        Some(re.is_match(v) != self.negated())
    }
}

impl PartialEq for GenType {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Eq for GenType {}

impl GenType {
    /// True for the integer bases (printed unquoted in JSON).
    pub fn is_integer(&self) -> bool {
        int_bounds(self.base).is_some()
    }

    /// Patterns that are not enforced because they do not compile.
    pub fn unchecked_patterns(&self) -> Vec<&'static str> {
        self.patterns
            .iter()
            .filter(|p| p.regex().is_none())
            .map(|p| p.text)
            .collect()
    }

    /// Checks `raw` for the statement `name`; returns its canonical form or why not.
    pub fn canonical(&self, name: &str, raw: &str) -> Result<String, String> {
        if self.placeholder_ok && is_placeholder(raw) {
            return Ok(raw.to_owned());
        }
        if raw.chars().any(char::is_control) {
            return Err(format!(
                "invalid value for {name}: control characters are not allowed"
            ));
        }
        if self.base == "union" {
            let mut first_err = None;
            for m in &self.members {
                match m.canonical(name, raw) {
                    Ok(v) => return Ok(v),
                    Err(e) => {
                        first_err.get_or_insert(e);
                    }
                }
            }
            if self.members.is_empty() {
                return Ok(raw.to_owned());
            }
            return Err(first_err.unwrap_or_else(|| format!("invalid value '{raw}' for {name}")));
        }
        if let Some((lo, hi)) = int_bounds(self.base) {
            return self.integer(name, raw, lo, hi);
        }
        match self.base {
            "enumeration" => {
                if self.enums.contains(&raw) {
                    Ok(raw.to_owned())
                } else {
                    Err(format!(
                        "invalid value '{raw}' for {name}: expected one of {}",
                        self.enums.join(", ")
                    ))
                }
            }
            "boolean" => match raw {
                "true" | "false" => Ok(raw.to_owned()),
                _ => Err(format!("invalid value '{raw}' for {name}: true or false")),
            },
            "decimal64" => match raw.parse::<f64>() {
                Ok(v) if v.is_finite() && self.decimal_in_range(v) => Ok(raw.to_owned()),
                Ok(_) => Err(format!(
                    "value out of range {raw} for {name} ({})",
                    self.range_text.unwrap_or("")
                )),
                Err(_) => Err(format!("invalid decimal value '{raw}' for {name}")),
            },
            _ => self.string(name, raw),
        }
    }

    fn integer(&self, name: &str, raw: &str, lo: i128, hi: i128) -> Result<String, String> {
        let shown = self.describe_range(lo, hi);
        let digits = raw.strip_prefix('-').unwrap_or(raw);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "invalid numeric value '{raw}' for {name} ({shown})"
            ));
        }
        let v: i128 = match raw.parse() {
            Ok(v) => v,
            Err(_) => return Err(format!("value out of range {raw} for {name} ({shown})")),
        };
        let ok = if self.ranges.is_empty() {
            (lo..=hi).contains(&v)
        } else {
            self.ranges.iter().any(|&(a, b)| (a..=b).contains(&v))
        };
        if ok {
            Ok(v.to_string())
        } else {
            Err(format!("value out of range {raw} for {name} ({shown})"))
        }
    }

    fn describe_range(&self, lo: i128, hi: i128) -> String {
        if self.ranges.is_empty() {
            return format!("{lo}..{hi}");
        }
        self.ranges
            .iter()
            .map(|(a, b)| {
                if a == b {
                    a.to_string()
                } else {
                    format!("{a}..{b}")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn decimal_in_range(&self, v: f64) -> bool {
        let Some(text) = self.range_text else {
            return true;
        };
        text.split('|').any(|part| {
            let mut ends = part.split("..").map(str::trim);
            let a = ends.next().and_then(|s| s.parse::<f64>().ok());
            let b = ends.next().and_then(|s| s.parse::<f64>().ok()).or(a);
            match (a, b) {
                (Some(a), Some(b)) => v >= a && v <= b,
                _ => true,
            }
        })
    }

    fn string(&self, name: &str, raw: &str) -> Result<String, String> {
        let n = raw.chars().count();
        if !self.lengths.is_empty() && !self.lengths.iter().any(|&(a, b)| (a..=b).contains(&n)) {
            let shown = self
                .lengths
                .iter()
                .map(|(a, b)| format!("{a}..{b}"))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(format!(
                "invalid value '{raw}' for {name}: length must be {shown} characters"
            ));
        }
        let canon = match self.typedef {
            Some(t) => typedef(t, name, raw)?,
            None => raw.to_owned(),
        };
        for p in &self.patterns {
            if p.accepts(raw) == Some(false) {
                return Err(format!(
                    "invalid value '{raw}' for {name}: must match the pattern {}",
                    p.text
                ));
            }
        }
        Ok(canon)
    }

    /// A value this type accepts, if one of a few typical values is (for tests and
    /// generated configurations).
    pub fn example(&self) -> Option<String> {
        let mut candidates: Vec<String> = Vec::new();
        if let Some((lo, hi)) = int_bounds(self.base) {
            let (a, b) = self.ranges.first().copied().unwrap_or((lo.max(1), hi));
            candidates.push(a.to_string());
            candidates.push(b.to_string());
        }
        candidates.extend(self.enums.first().map(|e| (*e).to_owned()));
        for m in &self.members {
            candidates.extend(m.example());
        }
        if let Some(t) = self.typedef {
            candidates.push(
                match t {
                    "ipv4addr" | "ipaddr" | "ipv4addr-or-interface" | "ipaddr-or-interface" => {
                        "192.0.2.1"
                    }
                    "ipv6addr" => "2001:db8::1",
                    "ipv4prefix" | "ipprefix" | "ipv4prefix-only" | "ipprefix-only" => {
                        "192.0.2.0/24"
                    }
                    t if t.starts_with("ipv6prefix") => "2001:db8::/32",
                    t if t.starts_with("mac-") => "00:11:22:33:44:55",
                    t if t.starts_with("interface-") => "ge-0/0/0",
                    "areaid" => "0.0.0.0",
                    _ => "1",
                }
                .to_owned(),
            );
        }
        candidates.extend(
            [
                "x1",
                "a",
                "1",
                "10",
                "true",
                "1.5",
                "ge-0/0/0",
                "192.0.2.1",
                "1:1",
                "abc",
                "2001:db8::1",
                "00:11:22:33:44:55",
                "10:00",
                "1.1.1.1",
            ]
            .map(str::to_owned),
        );
        candidates
            .into_iter()
            .find_map(|c| self.canonical("example", &c).ok())
    }

    /// How completion shows the value (`<1..4>`, `exact|longer`, `<ipv4addr>`).
    pub fn describe(&self) -> String {
        if let Some((lo, hi)) = int_bounds(self.base) {
            return format!("<{}>", self.describe_range(lo, hi));
        }
        match self.base {
            "enumeration" => self.enums.join("|"),
            "union" => self
                .members
                .iter()
                .map(|m| m.describe())
                .collect::<Vec<_>>()
                .join("|"),
            _ => format!("<{}>", self.typedef.unwrap_or(self.base)),
        }
    }
}

/// A group wildcard (`<ge-*>`) or a `$variable`.
fn is_placeholder(v: &str) -> bool {
    (v.starts_with('<') && v.ends_with('>') && v.len() >= 2) || v.starts_with('$')
}

fn int_bounds(base: &str) -> Option<(i128, i128)> {
    Some(match base {
        "int8" => (i8::MIN.into(), i8::MAX.into()),
        "int16" => (i16::MIN.into(), i16::MAX.into()),
        "int32" => (i32::MIN.into(), i32::MAX.into()),
        "int64" => (i64::MIN.into(), i64::MAX.into()),
        "uint8" => (0, u8::MAX.into()),
        "uint16" => (0, u16::MAX.into()),
        "uint32" => (0, u32::MAX.into()),
        "uint64" => (0, u64::MAX.into()),
        _ => return None,
    })
}

/// Parses a YANG range or length (`1 .. 4 | 6`), with `min`/`max` as the base's bounds.
pub(crate) fn parse_ranges(text: &str, lo: i128, hi: i128) -> Vec<(i128, i128)> {
    let bound = |s: &str| match s.trim() {
        "min" => Some(lo),
        "max" => Some(hi),
        s => s.parse::<i128>().ok(),
    };
    text.split('|')
        .filter_map(|part| {
            let mut ends = part.split("..");
            let a = bound(ends.next()?)?;
            let b = match ends.next() {
                Some(b) => bound(b)?,
                None => a,
            };
            Some((a, b))
        })
        .collect()
}

/// The integer bounds of a base, for range parsing (`min`, `max`).
pub(crate) fn bounds_of(base: &str) -> (i128, i128) {
    int_bounds(base).unwrap_or((0, u32::MAX.into()))
}

/// The Junos typedefs we check; others only by their patterns.
fn typedef(t: &str, name: &str, raw: &str) -> Result<String, String> {
    let bad = |what: &str| Err(format!("invalid {what} '{raw}' for {name}"));
    match t {
        "ipv4addr" => match raw.parse::<Ipv4Addr>() {
            Ok(a) => Ok(a.to_string()),
            Err(_) => bad("IPv4 address"),
        },
        "ipv6addr" => match raw.parse::<Ipv6Addr>() {
            Ok(a) => Ok(a.to_string()),
            Err(_) => bad("IPv6 address"),
        },
        "ipaddr-scoped" => {
            let (addr, scope) = raw.split_once('%').unwrap_or((raw, ""));
            match addr.parse::<IpAddr>() {
                Ok(a) if scope.is_empty() => Ok(a.to_string()),
                Ok(a) => Ok(format!("{a}%{scope}")),
                Err(_) => bad("IP address"),
            }
        }
        "ipaddr" => match raw.parse::<IpAddr>() {
            Ok(a) => Ok(a.to_string()),
            Err(_) => bad("IP address"),
        },
        "ipv4prefix" | "ipv4prefix-only" => ValueType::Ipv4Prefix.canonical(name, raw),
        "ipv6prefix" | "ipv6prefix-only" | "ipv6prefix-mandatory" => {
            ValueType::Ipv6Prefix.canonical(name, raw)
        }
        "ipprefix" | "ipprefix-only" | "ipprefix-mandatory" | "ipprefix-optional" => {
            match raw.parse::<IpPrefix>() {
                Ok(p) => Ok(p.to_string()),
                Err(_) => bad("IP prefix"),
            }
        }
        "mac-addr" | "mac-unicast" | "mac-multicast" => {
            let parts: Vec<&str> = raw.split(':').collect();
            let ok = parts.len() == 6
                && parts
                    .iter()
                    .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_hexdigit()));
            if ok {
                Ok(raw.to_ascii_lowercase())
            } else {
                bad("MAC address")
            }
        }
        "interface-name" | "interface-device" | "interface-unit" => {
            let ok = !raw.is_empty()
                && !raw.contains(char::is_whitespace)
                && raw
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./:*".contains(c));
            if ok {
                Ok(raw.to_owned())
            } else {
                bad("interface name")
            }
        }
        "areaid" => match raw.parse::<Ipv4Addr>() {
            Ok(a) => Ok(a.to_string()),
            Err(_) => match raw.parse::<u32>() {
                Ok(n) => Ok(Ipv4Addr::from(n).to_string()),
                Err(_) => bad("area id"),
            },
        },
        "unsigned-float" => match raw.parse::<f64>() {
            Ok(v) if v >= 0.0 => Ok(raw.to_owned()),
            _ => bad("unsigned number"),
        },
        _ => Ok(raw.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(base: &'static str) -> GenType {
        GenType {
            base,
            typedef: None,
            placeholder_ok: true,
            ranges: Vec::new(),
            range_text: None,
            lengths: Vec::new(),
            enums: &[],
            patterns: Vec::new(),
            members: Vec::new(),
        }
    }

    #[test]
    fn integers_follow_ranges_and_bounds() {
        let mut t = ty("uint32");
        t.ranges = parse_ranges("1 .. 4 | 6", 0, u32::MAX.into());
        assert_eq!(t.canonical("version", "04"), Ok("4".into()));
        assert!(t.canonical("version", "5").unwrap_err().contains("1..4, 6"));
        assert!(ty("uint8").canonical("x", "256").is_err());
        assert_eq!(ty("int32").canonical("x", "-5"), Ok("-5".into()));
        assert_eq!(ty("uint8").canonical("x", "<*>"), Ok("<*>".into()));
    }

    #[test]
    fn posix_patterns_match_anywhere_and_bang_negates() {
        let mut t = ty("string");
        t.patterns = vec![
            Pattern::new("^[[:alnum:]._-]+$", false),
            Pattern::new("!^all$", false),
        ];
        assert!(t.canonical("host-name", "r1.lab").is_ok());
        assert!(t.canonical("host-name", "r 1").is_err());
        assert!(t
            .canonical("host-name", "all")
            .unwrap_err()
            .contains("pattern"));
    }

    #[test]
    fn typedefs_check_addresses() {
        let mut t = ty("string");
        t.typedef = Some("ipv4addr");
        assert!(t.canonical("a", "10.0.0.300").is_err());
        t.typedef = Some("ipv4prefix");
        assert_eq!(t.canonical("a", "10.0.0.1"), Ok("10.0.0.1/32".into()));
        t.typedef = Some("mac-addr");
        assert_eq!(
            t.canonical("a", "00:AA:bb:01:02:03"),
            Ok("00:aa:bb:01:02:03".into())
        );
    }
}
