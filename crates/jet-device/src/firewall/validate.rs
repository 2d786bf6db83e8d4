//! Checks of a whole filter before it replaces anything: a filter that fails changes
//! nothing. Messages name the filter, the term and the field.

use std::collections::HashSet;
use std::net::IpAddr;

use super::error::{invalid, FirewallError};
use super::model::{Actions, AddrField, Field, FwFamily, Matches, Term};

/// Longest filter, term, counter, policer and client name (the contract's 64 characters).
pub const MAX_NAME: usize = 64;

/// Checks a name given in field `field`.
pub(super) fn name(field: &str, value: &str) -> Result<(), FirewallError> {
    if value.is_empty() {
        return Err(invalid!("{field}: name is empty"));
    }
    if value.chars().count() > MAX_NAME {
        return Err(invalid!(
            "{field}: name '{value}' is longer than {MAX_NAME} characters"
        ));
    }
    if value.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(invalid!(
            "{field}: name '{value:?}' contains spaces or control characters"
        ));
    }
    Ok(())
}

/// The fields a term of `family` may match.
fn allowed(family: FwFamily, f: Field) -> bool {
    use Field::*;
    match family {
        FwFamily::Inet => !matches!(f, TrafficClass | Label1 | Label2 | Label3),
        FwFamily::Inet6 => !matches!(
            f,
            Ttl | FragmentOffset | Precedence | Label1 | Label2 | Label3
        ),
        FwFamily::Mpls => matches!(f, Label1 | Label2 | Label3),
    }
}

fn check_matches(
    filter: &str,
    term: &str,
    family: FwFamily,
    m: &Matches,
) -> Result<(), FirewallError> {
    for (which, list) in &m.addrs {
        let field = match which {
            AddrField::Src => "source-address",
            AddrField::Dst => "destination-address",
            AddrField::Either => "address",
        };
        if family == FwFamily::Mpls {
            return Err(invalid!(
                "filter '{filter}' term '{term}': {field} is not a match condition of family mpls"
            ));
        }
        for p in list {
            let ok_family = matches!(
                (family, p.addr),
                (FwFamily::Inet, IpAddr::V4(_)) | (FwFamily::Inet6, IpAddr::V6(_))
            );
            if !ok_family {
                return Err(invalid!(
                    "filter '{filter}' term '{term}': {field} {} is not an address of family {}",
                    p.addr,
                    family.as_str()
                ));
            }
            if p.len > family.max_prefix() {
                return Err(invalid!(
                    "filter '{filter}' term '{term}': {field} {}/{}: prefix length must be 0-{}",
                    p.addr,
                    p.len,
                    family.max_prefix()
                ));
            }
        }
    }
    for (f, list) in &m.ranges {
        if !allowed(family, *f) {
            return Err(invalid!(
                "filter '{filter}' term '{term}': {} is not a match condition of family {}",
                f.keyword(),
                family.as_str()
            ));
        }
        for r in list {
            let min = if matches!(f, Field::Label1 | Field::Label2 | Field::Label3) {
                1
            } else {
                0
            };
            if r.lo > r.hi || r.hi > f.max_value() || r.lo < min {
                return Err(invalid!(
                    "filter '{filter}' term '{term}': {} range {}-{} is invalid (min <= max, within {min}-{})",
                    f.keyword(),
                    r.lo,
                    r.hi,
                    f.max_value()
                ));
            }
        }
    }
    for r in &m.either_port {
        if r.lo > r.hi || r.hi > 65535 {
            return Err(invalid!(
                "filter '{filter}' term '{term}': port range {}-{} is invalid (min <= max, within 0-65535)",
                r.lo,
                r.hi
            ));
        }
    }
    for i in &m.interfaces {
        name(&format!("filter '{filter}' term '{term}': interface"), i)?;
    }
    Ok(())
}

fn check_actions(filter: &str, term: &str, a: &Actions) -> Result<(), FirewallError> {
    if let Some(c) = &a.count {
        name(&format!("filter '{filter}' term '{term}': count"), c)?;
    }
    if let Some(p) = &a.policer {
        name(&format!("filter '{filter}' term '{term}': policer"), p)?;
    }
    if let Some(d) = a.dscp {
        if d > 63 {
            return Err(invalid!(
                "filter '{filter}' term '{term}': dscp {d} is out of range 0-63"
            ));
        }
    }
    if let Some(p) = a.forwarding_priority {
        if p > 255 {
            return Err(invalid!(
                "filter '{filter}' term '{term}': forwarding-priority {p} is out of range 0-255"
            ));
        }
    }
    if let Some(c) = &a.copy_to_host {
        name(
            &format!("filter '{filter}' term '{term}': copy-to-host client"),
            c,
        )?;
    }
    Ok(())
}

/// Checks every term of `filter` (names unique, conditions of the family, ranges, names
/// of counters and policers); `policer_exists` says whether a referenced policer exists.
pub(super) fn terms(
    filter: &str,
    family: FwFamily,
    terms: &[Term],
    policer_exists: impl Fn(&str) -> bool,
) -> Result<(), FirewallError> {
    let mut seen = HashSet::with_capacity(terms.len());
    for t in terms {
        name(&format!("filter '{filter}': term_name"), &t.name)?;
        if !seen.insert(t.name.as_str()) {
            return Err(invalid!(
                "filter '{filter}': term '{}' appears twice",
                t.name
            ));
        }
        check_matches(filter, &t.name, family, &t.matches)?;
        check_actions(filter, &t.name, &t.actions)?;
        if let Some(p) = &t.actions.policer {
            if !policer_exists(p) {
                return Err(invalid!(
                    "filter '{filter}' term '{}': policer '{p}' does not exist (add it with PolicerAdd first)",
                    t.name
                ));
            }
        }
    }
    Ok(())
}
