//! Destinations: IPv4 and IPv6 prefixes and MPLS labels, and the compact keys the tables
//! are sorted by.
//!
//! Keys sort the way Junos prints routes: by address, then by prefix length
//! (`10.0.0.0/8` before `10.0.0.0/24` before `10.0.1.0/24`).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A destination that is not a valid prefix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrefixError {
    /// Longer than the family allows.
    #[error("prefix length {len} is too long (at most {max})")]
    TooLong {
        /// Given length.
        len: u32,
        /// Largest allowed.
        max: u32,
    },
    /// Shorter than the family requires (MPLS needs 52).
    #[error("prefix length {len} is too short (must be {want})")]
    TooShort {
        /// Given length.
        len: u32,
        /// Required length.
        want: u8,
    },
    /// Address bits set beyond the prefix length.
    #[error("{addr}/{len} has host bits set beyond the prefix length")]
    HostBits {
        /// The address.
        addr: IpAddr,
        /// The length.
        len: u8,
    },
    /// An MPLS label out of range or reserved.
    #[error("MPLS label {0} is invalid (20 bits, not 4-15)")]
    Label(u32),
}

/// Address family of a table or a destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// IPv4 unicast (`inet.0`).
    Inet,
    /// IPv6 unicast (`inet6.0`).
    Inet6,
    /// MPLS labels (`mpls.0`).
    Mpls,
}

impl Family {
    /// The family word in table names (`inet`, `inet6`, `mpls`).
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Inet => "inet",
            Family::Inet6 => "inet6",
            Family::Mpls => "mpls",
        }
    }
}

/// The prefix length JET uses for MPLS destinations: 20 label bits plus a 32-bit interface
/// index that is always 0.
pub const MPLS_PREFIX_LEN: u8 = 52;

/// Largest valid MPLS label (20 bits).
pub const MPLS_LABEL_MAX: u32 = (1 << 20) - 1;

/// True for a label a client may use: 20 bits and not in the reserved range 4–15.
pub fn label_is_valid(label: u32) -> bool {
    label <= MPLS_LABEL_MAX && !(4..=15).contains(&label)
}

/// A route destination. Host bits are always zero (constructors refuse anything else).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Prefix {
    /// IPv4 address (host order) and length 0–32.
    V4(u32, u8),
    /// IPv6 address (host order) and length 0–128.
    V6(u128, u8),
    /// An MPLS label (prefix length 52 on the wire).
    Mpls(u32),
}

fn mask4(len: u8) -> u32 {
    if len == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(len))
    }
}

fn mask6(len: u8) -> u128 {
    if len == 0 {
        0
    } else {
        u128::MAX << (128 - u32::from(len))
    }
}

impl Prefix {
    /// An IPv4 prefix; refuses lengths above 32 and host bits set.
    pub fn v4(addr: Ipv4Addr, len: u32) -> Result<Prefix, PrefixError> {
        if len > 32 {
            return Err(PrefixError::TooLong { len, max: 32 });
        }
        let a = u32::from(addr);
        let len = len as u8;
        if a & !mask4(len) != 0 {
            return Err(PrefixError::HostBits {
                addr: IpAddr::V4(addr),
                len,
            });
        }
        Ok(Prefix::V4(a, len))
    }

    /// An IPv6 prefix; refuses lengths above 128 and host bits set.
    pub fn v6(addr: Ipv6Addr, len: u32) -> Result<Prefix, PrefixError> {
        if len > 128 {
            return Err(PrefixError::TooLong { len, max: 128 });
        }
        let a = u128::from(addr);
        let len = len as u8;
        if a & !mask6(len) != 0 {
            return Err(PrefixError::HostBits {
                addr: IpAddr::V6(addr),
                len,
            });
        }
        Ok(Prefix::V6(a, len))
    }

    /// An IP prefix of either family.
    pub fn ip(addr: IpAddr, len: u32) -> Result<Prefix, PrefixError> {
        match addr {
            IpAddr::V4(a) => Prefix::v4(a, len),
            IpAddr::V6(a) => Prefix::v6(a, len),
        }
    }

    /// The prefix of `addr` masked to `len` (host bits dropped).
    pub fn masked(addr: IpAddr, len: u8) -> Prefix {
        match addr {
            IpAddr::V4(a) => {
                let len = len.min(32);
                Prefix::V4(u32::from(a) & mask4(len), len)
            }
            IpAddr::V6(a) => {
                let len = len.min(128);
                Prefix::V6(u128::from(a) & mask6(len), len)
            }
        }
    }

    /// A host prefix (/32 or /128).
    pub fn host(addr: IpAddr) -> Prefix {
        Prefix::masked(addr, 128)
    }

    /// An MPLS destination; the length must be 52.
    pub fn mpls(label: u32, len: u32) -> Result<Prefix, PrefixError> {
        if len < u32::from(MPLS_PREFIX_LEN) {
            return Err(PrefixError::TooShort {
                len,
                want: MPLS_PREFIX_LEN,
            });
        }
        if len > u32::from(MPLS_PREFIX_LEN) {
            return Err(PrefixError::TooLong {
                len,
                max: u32::from(MPLS_PREFIX_LEN),
            });
        }
        if !label_is_valid(label) {
            return Err(PrefixError::Label(label));
        }
        Ok(Prefix::Mpls(label))
    }

    /// The family.
    pub fn family(&self) -> Family {
        match self {
            Prefix::V4(..) => Family::Inet,
            Prefix::V6(..) => Family::Inet6,
            Prefix::Mpls(_) => Family::Mpls,
        }
    }

    /// The prefix length (52 for MPLS). (A prefix length, not a size: no `is_empty`.)
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> u8 {
        match *self {
            Prefix::V4(_, l) | Prefix::V6(_, l) => l,
            Prefix::Mpls(_) => MPLS_PREFIX_LEN,
        }
    }

    /// The address part, for IP prefixes.
    pub fn addr(&self) -> Option<IpAddr> {
        match *self {
            Prefix::V4(a, _) => Some(IpAddr::V4(Ipv4Addr::from(a))),
            Prefix::V6(a, _) => Some(IpAddr::V6(Ipv6Addr::from(a))),
            Prefix::Mpls(_) => None,
        }
    }

    /// True when `addr` falls inside this prefix.
    pub fn contains(&self, addr: IpAddr) -> bool {
        match (*self, addr) {
            (Prefix::V4(p, l), IpAddr::V4(a)) => u32::from(a) & mask4(l) == p,
            (Prefix::V6(p, l), IpAddr::V6(a)) => u128::from(a) & mask6(l) == p,
            _ => false,
        }
    }

    /// True when `other` is this prefix or a more specific one inside it.
    pub fn covers(&self, other: &Prefix) -> bool {
        match (*self, *other) {
            (Prefix::V4(p, l), Prefix::V4(q, m)) => m >= l && q & mask4(l) == p,
            (Prefix::V6(p, l), Prefix::V6(q, m)) => m >= l && q & mask6(l) == p,
            (Prefix::Mpls(a), Prefix::Mpls(b)) => a == b,
            _ => false,
        }
    }

    /// The same address with length `len` (host bits dropped); MPLS unchanged.
    pub fn with_len(&self, len: u8) -> Prefix {
        match *self {
            Prefix::V4(a, _) => {
                let len = len.min(32);
                Prefix::V4(a & mask4(len), len)
            }
            Prefix::V6(a, _) => {
                let len = len.min(128);
                Prefix::V6(a & mask6(len), len)
            }
            m @ Prefix::Mpls(_) => m,
        }
    }

    /// The last address inside the prefix, as a host-length prefix of the same family
    /// (upper bound of the range of keys covered).
    pub(crate) fn last_key(&self) -> Prefix {
        match *self {
            Prefix::V4(a, l) => Prefix::V4(a | !mask4(l), 32),
            Prefix::V6(a, l) => Prefix::V6(a | !mask6(l), 128),
            m @ Prefix::Mpls(_) => m,
        }
    }
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Prefix::V4(a, l) => write!(f, "{}/{l}", Ipv4Addr::from(a)),
            Prefix::V6(a, l) => write!(f, "{}/{l}", Ipv6Addr::from(a)),
            Prefix::Mpls(label) => write!(f, "{label}"),
        }
    }
}

/// Sort key of an IPv4 destination: address in the high 32 bits, length in the low 8.
pub(crate) fn key4(addr: u32, len: u8) -> u64 {
    (u64::from(addr) << 8) | u64::from(len)
}

pub(crate) fn unkey4(k: u64) -> Prefix {
    Prefix::V4((k >> 8) as u32, (k & 0xff) as u8)
}

/// Sort key of an IPv6 destination: 16 address bytes (big-endian, so byte order is
/// numeric order) and the length; 17 bytes, alignment 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Key6([u8; 16], u8);

pub(crate) fn key6(addr: u128, len: u8) -> Key6 {
    Key6(addr.to_be_bytes(), len)
}

pub(crate) fn unkey6(k: Key6) -> Prefix {
    Prefix::V6(u128::from_be_bytes(k.0), k.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_bits_and_lengths_are_checked() {
        assert!(Prefix::v4(Ipv4Addr::new(10, 0, 0, 1), 24).is_err());
        assert!(Prefix::v4(Ipv4Addr::new(10, 0, 0, 0), 33).is_err());
        assert_eq!(
            Prefix::v4(Ipv4Addr::new(10, 0, 0, 0), 24).map(|p| p.to_string()),
            Ok("10.0.0.0/24".to_owned())
        );
        assert!(Prefix::v6("2001:db8::1".parse().expect("v6"), 64).is_err());
        assert!(Prefix::mpls(5, 52).is_err());
        assert!(Prefix::mpls(16, 20).is_err());
        assert!(Prefix::mpls(1 << 20, 52).is_err());
        assert_eq!(Prefix::mpls(16, 52), Ok(Prefix::Mpls(16)));
    }

    #[test]
    fn keys_sort_by_address_then_length() {
        let a = key4(0x0a00_0000, 8);
        let b = key4(0x0a00_0000, 24);
        let c = key4(0x0a00_0100, 24);
        assert!(a < b && b < c);
        assert_eq!(unkey4(c), Prefix::V4(0x0a00_0100, 24));
        let k = key6(1 << 100, 28);
        assert_eq!(unkey6(k), Prefix::V6(1 << 100, 28));
        assert!(key6(1, 128) < key6(2, 127));
    }

    #[test]
    fn covers_and_contains() {
        let p = Prefix::V4(0x0a00_0000, 8);
        assert!(p.covers(&Prefix::V4(0x0a01_0000, 16)));
        assert!(!p.covers(&Prefix::V4(0x0b00_0000, 16)));
        assert!(!Prefix::V4(0x0a00_0000, 16).covers(&p));
        assert!(p.contains("10.9.9.9".parse().expect("ip")));
        assert_eq!(p.last_key(), Prefix::V4(0x0aff_ffff, 32));
    }
}
