//! Firewall filter events (dfwd installing, changing, binding and removing filters), as
//! JET publishes them on `/junos/events/kernel/firewall/filter/{add,change,delete}/<filter>`
//! with the attributes name, version, client-id, filter-type, protocol, interface-name
//! and flags.

/// What happened to the filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterOp {
    /// Installed (FilterAdd, or a configured filter committed).
    Add,
    /// Its terms changed (FilterModify, a commit) or it was bound or unbound (`flags`).
    Change,
    /// Removed (FilterDelete, the client's purge, a commit).
    Delete,
}

impl FilterOp {
    /// `add`, `change` or `delete` (the topic level).
    pub fn as_str(self) -> &'static str {
        match self {
            FilterOp::Add => "add",
            FilterOp::Change => "change",
            FilterOp::Delete => "delete",
        }
    }
}

/// One filter event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterEvent {
    /// What happened.
    pub op: FilterOp,
    /// The filter's name.
    pub name: String,
    /// Its family (`inet`, `inet6`, `mpls`): the `protocol` attribute.
    pub family: String,
    /// Increases by one with every event of this filter (1 for its add).
    pub version: u64,
    /// The owning client id; empty for a configured filter.
    pub client: String,
    /// The bind point of a bind or unbind (`ge-0/0/0.0`, `inet.0`), else empty.
    pub interface: String,
    /// `bind-input`, `unbind-output`, ... for a binding change; `purge` for a filter the
    /// purge timer removed; `configuration` for a configured filter; else empty.
    pub flags: String,
}

impl FilterEvent {
    /// `/junos/events/kernel/firewall/filter/{op}/<filter>`.
    pub fn topic(&self) -> String {
        format!(
            "/junos/events/kernel/firewall/filter/{}/{}",
            self.op.as_str(),
            self.name
        )
    }

    /// `KERNEL_EVENT_FIREWALL_FILTER_{ADD,CHANGE,DELETE}`.
    pub fn event_id(&self) -> String {
        format!(
            "KERNEL_EVENT_FIREWALL_FILTER_{}",
            self.op.as_str().to_ascii_uppercase()
        )
    }

    /// The notification's attributes, in the order JET documents them.
    pub fn attributes(&self) -> Vec<(&'static str, String)> {
        vec![
            ("name", self.name.clone()),
            ("version", self.version.to_string()),
            ("client-id", self.client.clone()),
            ("filter-type", "classic".to_owned()),
            ("protocol", self.family.clone()),
            ("interface-name", self.interface.clone()),
            ("flags", self.flags.clone()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_id_and_attributes() {
        let e = FilterEvent {
            op: FilterOp::Change,
            name: "protect".into(),
            family: "inet".into(),
            version: 3,
            client: "app".into(),
            interface: "ge-0/0/0.0".into(),
            flags: "bind-input".into(),
        };
        assert_eq!(
            e.topic(),
            "/junos/events/kernel/firewall/filter/change/protect"
        );
        assert_eq!(e.event_id(), "KERNEL_EVENT_FIREWALL_FILTER_CHANGE");
        let a = e.attributes();
        assert_eq!(a[1], ("version", "3".to_owned()));
        assert_eq!(a[5], ("interface-name", "ge-0/0/0.0".to_owned()));
    }
}
