//! Which interface names exist on this device, and of what kind.
//!
//! Built in: `ge-0/0/0` … `ge-0/0/9`, `fxp0`, `lo0`. Created by configuration or the
//! API: `aeN` and `ftiN`. Created by configuration only: `irb`, and any other physical
//! Ethernet port the configuration names (`xe-1/0/3`, `et-0/0/2`, `ge-2/1/7`), as if
//! the chassis had that port, so that a real router's configuration brings its ports
//! with it.

use crate::vocab::interfaces::{IfdKind, Speed};

/// Number of simulated Gigabit Ethernet ports (`ge-0/0/0` … `ge-0/0/9`).
pub const GE_PORTS: u32 = 10;
/// Highest N of `aeN` and `ftiN` this device creates.
pub const MAX_PSEUDO_IFD: u32 = 127;

/// Highest FPC, PIC and port numbers of a configured port (`xe-F/P/N`).
const MAX_FPC: u32 = 19;
const MAX_PIC: u32 = 11;
const MAX_PORT: u32 = 127;
/// Highest channel of a channelized port (`xe-0/0/0:3`).
const MAX_CHANNEL: u32 = 15;

/// The names of the IFDs every device has, in display order.
pub(crate) fn ifd_names() -> Vec<String> {
    let mut v: Vec<String> = (0..GE_PORTS).map(|n| format!("ge-0/0/{n}")).collect();
    v.push("fxp0".into());
    v.push("lo0".into());
    v
}

/// N of a built-in `ge-0/0/N`.
pub(crate) fn ge_port(name: &str) -> Option<u32> {
    let n: u32 = number(name.strip_prefix("ge-0/0/")?)?;
    (n < GE_PORTS).then_some(n)
}

/// A number written without leading zeros.
fn number(s: &str) -> Option<u32> {
    if s.is_empty() || (s.len() > 1 && s.starts_with('0')) || !s.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    s.parse().ok()
}

/// `aeN` / `ftiN` (N up to [`MAX_PSEUDO_IFD`], no leading zeros): the kind and N.
pub(crate) fn pseudo_ifd(name: &str) -> Option<(IfdKind, u32)> {
    let (kind, n) = if let Some(n) = name.strip_prefix("ae") {
        (IfdKind::Aggregate, n)
    } else {
        (IfdKind::FlexibleTunnel, name.strip_prefix("fti")?)
    };
    let n = number(n)?;
    (n <= MAX_PSEUDO_IFD).then_some((kind, n))
}

/// A physical Ethernet port other than the built-in ones (`ge-`, `xe-` or `et-`
/// `FPC/PIC/PORT`, or a channel of a port: `xe-0/0/0:2`): its media speed, and its sort
/// key (FPC, PIC, port and channel, media).
pub(crate) fn extra_port(name: &str) -> Option<(Speed, (u32, u32, u32, u8))> {
    if ge_port(name).is_some() {
        return None;
    }
    let (media, rest) = name.split_once('-')?;
    let (speed, rank) = match media {
        "ge" => (Speed::Mbps(1_000), 0),
        "xe" => (Speed::Mbps(10_000), 1),
        "et" => (Speed::Mbps(100_000), 2),
        _ => return None,
    };
    let mut parts = rest.split('/');
    let fpc = number(parts.next()?)?;
    let pic = number(parts.next()?)?;
    let last = parts.next()?;
    let (port, channel) = match last.split_once(':') {
        Some((p, c)) => (number(p)?, number(c)?),
        None => (number(last)?, 0),
    };
    if parts.next().is_some()
        || fpc > MAX_FPC
        || pic > MAX_PIC
        || port > MAX_PORT
        || channel > MAX_CHANNEL
    {
        return None;
    }
    // Channels sort after their port: port N, then N:0, N:1...
    let channel_key = if last.contains(':') { channel + 1 } else { 0 };
    Some((
        speed,
        (fpc, pic, port * (MAX_CHANNEL + 2) + channel_key, rank),
    ))
}

/// The kind of IFD `name` is or would be on this device without configuration (`None`:
/// no such interface; see [`extra_port`] for ports configuration adds).
pub(crate) fn ifd_kind(name: &str) -> Option<IfdKind> {
    match name {
        "fxp0" => Some(IfdKind::Management),
        "lo0" => Some(IfdKind::Loopback),
        _ if ge_port(name).is_some() => Some(IfdKind::Ethernet),
        _ => pseudo_ifd(name).map(|(k, _)| k),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_pseudo_and_configured_ports_are_told_apart() {
        assert_eq!(ge_port("ge-0/0/9"), Some(9));
        assert_eq!(ge_port("ge-0/0/10"), None);
        assert_eq!(ge_port("ge-0/0/01"), None);
        assert_eq!(ifd_kind("ge-0/0/3"), Some(IfdKind::Ethernet));
        assert_eq!(ifd_kind("ae12"), Some(IfdKind::Aggregate));
        assert_eq!(ifd_kind("xe-0/0/0"), None);
        assert_eq!(
            extra_port("xe-1/2/3").map(|(s, _)| s),
            Some(Speed::Mbps(10_000))
        );
        assert_eq!(
            extra_port("et-0/0/2").map(|(s, _)| s),
            Some(Speed::Mbps(100_000))
        );
        assert_eq!(
            extra_port("ge-0/0/10").map(|(s, _)| s),
            Some(Speed::Mbps(1_000))
        );
        // Channels of a port follow it, in channel order.
        let key = |n: &str| extra_port(n).map(|(_, k)| k);
        assert!(key("xe-0/0/1") < key("xe-0/0/1:0"));
        assert!(key("xe-0/0/1:0") < key("xe-0/0/1:3"));
        assert!(key("xe-0/0/1:3") < key("xe-0/0/2"));
        assert_eq!(key("xe-0/0/1:16"), None);
        for no in [
            "ge-0/0/0",
            "xe-0/0",
            "xe-0/0/0/1",
            "xe-00/0/0",
            "fe-0/0/0",
            "xe-20/0/0",
            "xe-a/0/0",
            "ae0",
            "lo0",
        ] {
            assert_eq!(extra_port(no), None, "{no}");
        }
    }
}
