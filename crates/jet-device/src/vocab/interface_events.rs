//! Interface change events (the kernel rtsock events of Junos): IFD, IFL, family (IFF)
//! and address (IFA) add/change/delete, with the attributes JET's notification service
//! publishes (`spec/jet-behaviour.md` section 4).
//!
//! Each event carries the object's full current attributes, not a delta, so a consumer
//! that took a snapshot after subscribing may apply an event twice without harm.

use std::fmt;
use std::net::IpAddr;

use super::interfaces::FamilyKind;

/// What happened to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeOp {
    /// It appeared.
    Add,
    /// An attribute changed (state, description, MTU, ...).
    Change,
    /// It went away.
    Delete,
}

impl ChangeOp {
    /// The topic word (`add`, `change`, `delete`).
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeOp::Add => "add",
            ChangeOp::Change => "change",
            ChangeOp::Delete => "delete",
        }
    }
}

/// State flags of an interface object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IfFlags {
    /// Administratively up.
    pub admin_up: bool,
    /// Operationally up (link).
    pub oper_up: bool,
}

impl IfFlags {
    /// The flag words: `up` when administratively up, `running` when the link is up,
    /// `down` when neither (`up running`, `up`, `down`).
    pub fn words(self) -> String {
        match (self.admin_up, self.oper_up) {
            (true, true) => "up running".into(),
            (true, false) => "up".into(),
            (false, true) => "running".into(),
            (false, false) => "down".into(),
        }
    }
}

impl fmt::Display for IfFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.words())
    }
}

/// A physical interface (IFD) event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IfdEvent {
    /// What happened.
    pub op: ChangeOp,
    /// `ge-0/0/0`.
    pub name: String,
    /// SNMP ifIndex.
    pub snmp_id: u32,
    /// State.
    pub flags: IfFlags,
}

/// A logical interface (IFL) event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IflEvent {
    /// What happened.
    pub op: ChangeOp,
    /// `ge-0/0/0.0`.
    pub name: String,
    /// Unit number.
    pub subunit: u32,
    /// SNMP ifIndex.
    pub snmp_id: u32,
    /// State (`oper_up`: the IFD is up).
    pub flags: IfFlags,
}

/// A protocol family (IFF) event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IffEvent {
    /// What happened.
    pub op: ChangeOp,
    /// The IFL, `ge-0/0/0.0`.
    pub name: String,
    /// Unit number.
    pub subunit: u32,
    /// The family.
    pub family: FamilyKind,
    /// Its routing table (`inet.0`).
    pub table_name: String,
    /// The IFL's state.
    pub flags: IfFlags,
}

/// An interface address (IFA) event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IfaEvent {
    /// What happened.
    pub op: ChangeOp,
    /// The IFL, `ge-0/0/0.0`.
    pub name: String,
    /// Unit number.
    pub subunit: u32,
    /// The family.
    pub family: FamilyKind,
    /// The local address.
    pub local_address: IpAddr,
    /// Prefix length.
    pub prefix_len: u8,
    /// The subnet (`192.0.2.0`), absent for host addresses.
    pub destination_address: Option<IpAddr>,
    /// The IPv4 broadcast address, if any.
    pub broadcast_address: Option<IpAddr>,
    /// The IFL's state.
    pub flags: IfFlags,
}

/// Something changed on the device's interfaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterfaceEvent {
    /// A physical interface.
    Ifd(IfdEvent),
    /// A logical interface.
    Ifl(IflEvent),
    /// A family of a logical interface.
    Iff(IffEvent),
    /// An address of a family.
    Ifa(IfaEvent),
}

impl InterfaceEvent {
    /// The operation.
    pub fn op(&self) -> ChangeOp {
        match self {
            InterfaceEvent::Ifd(e) => e.op,
            InterfaceEvent::Ifl(e) => e.op,
            InterfaceEvent::Iff(e) => e.op,
            InterfaceEvent::Ifa(e) => e.op,
        }
    }

    /// The JET notification topic
    /// (`/junos/events/kernel/interfaces/ifa/add/ge-0/0/0.0/inet/192.0.2.1/24`).
    pub fn topic(&self) -> String {
        const BASE: &str = "/junos/events/kernel/interfaces";
        match self {
            InterfaceEvent::Ifd(e) => format!("{BASE}/ifd/{}/{}", e.op.as_str(), e.name),
            InterfaceEvent::Ifl(e) => format!("{BASE}/ifl/{}/{}", e.op.as_str(), e.name),
            InterfaceEvent::Iff(e) => {
                format!("{BASE}/iff/{}/{}/{}", e.op.as_str(), e.name, e.family)
            }
            InterfaceEvent::Ifa(e) => format!(
                "{BASE}/ifa/{}/{}/{}/{}/{}",
                e.op.as_str(),
                e.name,
                e.family,
                e.local_address,
                e.prefix_len
            ),
        }
    }

    /// The `jet-event` attributes, named as JET publishes them (`name`, `snmp-id`,
    /// `flags`, `subunit`, `family`, `table-name`, `local-address`,
    /// `destination-address`, `broadcast-address`), values as strings.
    pub fn attributes(&self) -> Vec<(&'static str, String)> {
        match self {
            InterfaceEvent::Ifd(e) => vec![
                ("name", e.name.clone()),
                ("snmp-id", e.snmp_id.to_string()),
                ("flags", e.flags.words()),
            ],
            InterfaceEvent::Ifl(e) => vec![
                ("name", e.name.clone()),
                ("subunit", e.subunit.to_string()),
                ("snmp-id", e.snmp_id.to_string()),
                ("flags", e.flags.words()),
            ],
            InterfaceEvent::Iff(e) => vec![
                ("name", e.name.clone()),
                ("subunit", e.subunit.to_string()),
                ("family", e.family.to_string()),
                ("table-name", e.table_name.clone()),
                ("flags", e.flags.words()),
            ],
            InterfaceEvent::Ifa(e) => {
                let mut v = vec![
                    ("name", e.name.clone()),
                    ("subunit", e.subunit.to_string()),
                    ("family", e.family.to_string()),
                    (
                        "local-address",
                        format!("{}/{}", e.local_address, e.prefix_len),
                    ),
                ];
                if let Some(d) = e.destination_address {
                    v.push(("destination-address", format!("{d}/{}", e.prefix_len)));
                }
                if let Some(b) = e.broadcast_address {
                    v.push(("broadcast-address", b.to_string()));
                }
                v.push(("flags", e.flags.words()));
                v
            }
        }
    }

    /// The JET event id (`KERNEL_EVENT_IFD_ADD`, ...).
    pub fn event_id(&self) -> String {
        let (kind, op) = match self {
            InterfaceEvent::Ifd(e) => ("IFD", e.op),
            InterfaceEvent::Ifl(e) => ("IFL", e.op),
            InterfaceEvent::Iff(e) => ("IFF", e.op),
            InterfaceEvent::Ifa(e) => ("IFA", e.op),
        };
        format!("KERNEL_EVENT_{kind}_{}", op.as_str().to_ascii_uppercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_follow_the_jet_tree() {
        let e = InterfaceEvent::Ifa(IfaEvent {
            op: ChangeOp::Add,
            name: "ge-0/0/0.0".into(),
            subunit: 0,
            family: FamilyKind::Inet,
            local_address: "10.1.1.1".parse().expect("ip"),
            prefix_len: 32,
            destination_address: None,
            broadcast_address: None,
            flags: IfFlags::default(),
        });
        assert_eq!(
            e.topic(),
            "/junos/events/kernel/interfaces/ifa/add/ge-0/0/0.0/inet/10.1.1.1/32"
        );
        assert_eq!(e.event_id(), "KERNEL_EVENT_IFA_ADD");
        assert_eq!(
            e.attributes(),
            vec![
                ("name", "ge-0/0/0.0".to_owned()),
                ("subunit", "0".to_owned()),
                ("family", "inet".to_owned()),
                ("local-address", "10.1.1.1/32".to_owned()),
                ("flags", "down".to_owned()),
            ]
        );
        let d = InterfaceEvent::Ifd(IfdEvent {
            op: ChangeOp::Change,
            name: "ge-0/0/1".into(),
            snmp_id: 514,
            flags: IfFlags {
                admin_up: true,
                oper_up: false,
            },
        });
        assert_eq!(
            d.topic(),
            "/junos/events/kernel/interfaces/ifd/change/ge-0/0/1"
        );
        assert_eq!(d.event_id(), "KERNEL_EVENT_IFD_CHANGE");
    }
}
