//! Builders for OpenJET's simulated traffic service (`openjet.traffic.v1.Traffic`,
//! [`crate::JetClient::traffic`]): flows and single packets from text addresses.
//!
//! ```
//! use jet_sdk::traffic::{flow_pps, packet};
//! let f = flow_pps("ge-0/0/0.0", "10.0.0.2", "192.0.2.1", 1000)
//!     .protocol(6)
//!     .destination_ports(80, 80)
//!     .packet_size(1500)
//!     .build();
//! assert_eq!(f.interface, "ge-0/0/0.0");
//! let p = packet("ge-0/0/0.0", "10.0.0.2", "192.0.2.1", 17, 53);
//! assert_eq!(p.destination_port, 53);
//! ```

use crate::proto::openjet::traffic::v1::{
    flow_start_request::Rate, AddressRange, FlowStartRequest, PacketTestRequest, PortRange,
};

/// A flow being described; [`FlowBuilder::build`] gives the FlowStart request.
#[derive(Debug, Clone)]
pub struct FlowBuilder(FlowStartRequest);

fn range(first: &str) -> Option<AddressRange> {
    Some(AddressRange {
        first: first.into(),
        count: 1,
    })
}

/// A flow of `pps` packets per second from `source` to `destination` entering on `unit`
/// (UDP, 512-byte packets, ports 1024 → 80 unless changed).
pub fn flow_pps(unit: &str, source: &str, destination: &str, pps: u64) -> FlowBuilder {
    FlowBuilder(FlowStartRequest {
        interface: unit.into(),
        rate: Some(Rate::Pps(pps)),
        source: range(source),
        destination: range(destination),
        ..Default::default()
    })
}

impl FlowBuilder {
    /// The rate in bits per second instead (packets of the flow's size).
    pub fn bps(mut self, bps: u64) -> Self {
        self.0.rate = Some(Rate::Bps(bps));
        self
    }

    /// Bytes per packet.
    pub fn packet_size(mut self, bytes: u32) -> Self {
        self.0.packet_size = bytes;
        self
    }

    /// `count` consecutive source addresses from the first.
    pub fn sources(mut self, count: u32) -> Self {
        if let Some(r) = self.0.source.as_mut() {
            r.count = count;
        }
        self
    }

    /// `count` consecutive destination addresses from the first.
    pub fn destinations(mut self, count: u32) -> Self {
        if let Some(r) = self.0.destination.as_mut() {
            r.count = count;
        }
        self
    }

    /// IP protocol number.
    pub fn protocol(mut self, protocol: u32) -> Self {
        self.0.protocol = Some(protocol);
        self
    }

    /// Source ports `low`..=`high`.
    pub fn source_ports(mut self, low: u32, high: u32) -> Self {
        self.0.source_ports = Some(PortRange { low, high });
        self
    }

    /// Destination ports `low`..=`high`.
    pub fn destination_ports(mut self, low: u32, high: u32) -> Self {
        self.0.destination_ports = Some(PortRange { low, high });
        self
    }

    /// DSCP (0-63).
    pub fn dscp(mut self, dscp: u32) -> Self {
        self.0.dscp = dscp;
        self
    }

    /// Stop after `seconds`.
    pub fn duration(mut self, seconds: u64) -> Self {
        self.0.duration_seconds = seconds;
        self
    }

    /// The FlowStart request.
    pub fn build(self) -> FlowStartRequest {
        self.0
    }
}

/// One packet of `protocol` to `destination_port` from `source` to `destination`
/// entering on `unit` (64 bytes, TTL 64; set more fields on the returned message).
pub fn packet(
    unit: &str,
    source: &str,
    destination: &str,
    protocol: u32,
    destination_port: u32,
) -> PacketTestRequest {
    PacketTestRequest {
        interface: unit.into(),
        source: source.into(),
        destination: destination.into(),
        protocol,
        destination_port,
        ..Default::default()
    }
}
