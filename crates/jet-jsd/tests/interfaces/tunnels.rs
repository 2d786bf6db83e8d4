//! FTI units: the tunnel sub-codes of a Junos OS (non-Evolved) platform of the MX class.

use jet_sdk::interfaces::{interface, ipip_tunnel, unit, vxlan_gpe_tunnel};
use jet_sdk::proto::jnx::jet::common::{bypass_or_terminate::TunnelType, BypassOrTerminate};
use jet_sdk::proto::jnx::jet::interfaces::{
    self as pb, fti_encap_options::Options as E, interface_add_response::StatusCode as Add,
    interface_get_response::InterfaceObject as G, tunnel_options::Options as T,
};

use crate::{dcd, device, ok, refused};

fn encap(t: &mut pb::TunnelOptions) -> &mut E {
    match &mut t.options {
        Some(T::Encapsulation(pb::FtiEncapOptions { options: Some(e) })) => e,
        _ => panic!("encapsulation"),
    }
}

fn ipip(t: &mut pb::TunnelOptions) -> &mut pb::FtiEncapIpipOptions {
    match encap(t) {
        E::Ipip(o) => o,
        _ => panic!("ipip"),
    }
}

fn vx(t: &mut pb::TunnelOptions) -> &mut pb::FtiEncapVxlanGpeOptions {
    match encap(t) {
        E::VxlanGpe(o) => o,
        _ => panic!("vxlan-gpe"),
    }
}

fn net(addr: &str, len: u32) -> pb::NetworkAddress {
    use jet_sdk::proto::jnx::jet::common::{ip_network::AddrFormat, IpNetwork};
    let n = IpNetwork {
        prefix_len: len,
        addr_format: Some(AddrFormat::HostAddrString(addr.into())),
    };
    pb::NetworkAddress {
        af: Some(if addr.contains(':') {
            pb::network_address::Af::Inet6(n)
        } else {
            pb::network_address::Af::Inet(n)
        }),
    }
}

fn fti(t: pb::TunnelOptions) -> pb::InterfaceAddRequest {
    unit("fti0", 0).tunnel(t).add_request()
}

#[tokio::test]
async fn fti_units_need_a_supported_encapsulation_and_read_back() {
    let dev = device().await;
    let (_c, mut i) = dcd(&dev, "tun").await;
    ok!(i.interface_add(interface("fti0").add_request()));
    refused!(
        i.interface_add(unit("fti0", 0).add_request()),
        Add::TunnelNotSpecified,
        "fti0.0",
        "tunnel"
    );
    let no_encap = pb::TunnelOptions {
        fragmentation: 0,
        options: None,
    };
    refused!(
        i.interface_add(fti(no_encap.clone())),
        Add::TunnelEncapNotSpecified,
        "tunnel.encapsulation"
    );
    refused!(
        i.interface_add(unit("ge-0/0/1", 0).tunnel(no_encap).add_request()),
        Add::TunnelNotSupported,
        "ge-0/0/1.0",
        "ftiN"
    );
    refused!(
        i.interface_add(
            unit("ge-0/0/1", 0)
                .tunnel(ipip_tunnel("192.0.2.1", "192.0.2.2"))
                .add_request()
        ),
        Add::TunnelEncapNotSupported,
        "ge-0/0/1.0"
    );
    let udp = pb::TunnelOptions {
        fragmentation: 0,
        options: Some(T::Encapsulation(pb::FtiEncapOptions {
            options: Some(E::Udp(Default::default())),
        })),
    };
    refused!(
        i.interface_add(fti(udp)),
        Add::TunnelEncapTypeNotSupportedOnPlatform,
        "udp",
        "platform"
    );
    let gre = pb::TunnelOptions {
        fragmentation: 0,
        options: Some(T::Encapsulation(pb::FtiEncapOptions {
            options: Some(E::Gre(Default::default())),
        })),
    };
    refused!(
        i.interface_add(fti(gre)),
        Add::TunnelEncapTypeNotSupportedOnPlatform,
        "gre"
    );

    ok!(i.interface_add(fti(ipip_tunnel("198.51.100.1", "198.51.100.2"))));
    let g = ok!(i.interface_get(unit("fti0", 0).get_request()));
    let Some(G::Unit(u)) = g.interface_object else {
        panic!("{g:?}")
    };
    let mut t = u.tunnel.expect("tunnel read back");
    let o = ipip(&mut t);
    assert!(o.source.is_some() && o.destination.is_some(), "{o:?}");
    ok!(i.interface_add(
        unit("fti0", 1)
            .tunnel(vxlan_gpe_tunnel("198.51.100.1", "198.51.100.3", 5000, 4790))
            .add_request()
    ));
    let show = _c_show(&dev, "show interfaces fti0").await;
    assert!(
        show.contains("Physical interface: fti0, Enabled, Physical link is Up"),
        "{show}"
    );
    assert!(
        show.contains("Type: FTI, Link-level type: Flexible-tunnel-Interface"),
        "{show}"
    );
    assert!(
        show.contains(
            "Tunnel encapsulation: ipip, Source: 198.51.100.1, Destination: 198.51.100.2"
        ),
        "{show}"
    );
    assert!(show.contains("Tunnel encapsulation: vxlan-gpe, Source: 198.51.100.1, Destination: 198.51.100.3, VNI: 5000, Destination UDP port: 4790"), "{show}");
}

async fn _c_show(dev: &jet_testkit::TestDevice, cmd: &str) -> String {
    dev.admin("viewer")
        .await
        .op_command(cmd, jet_sdk::OutputFormat::Text)
        .await
        .expect("show")
}

#[tokio::test]
async fn tunnel_ends_must_be_distinct_ipv4_host_addresses() {
    let dev = device().await;
    let (_c, mut i) = dcd(&dev, "ends").await;
    ok!(i.interface_add(interface("fti0").add_request()));
    let base = || ipip_tunnel("198.51.100.1", "198.51.100.2");

    let mut t = base();
    ipip(&mut t).source = None;
    refused!(
        i.interface_add(fti(t)),
        Add::TunnelEncapSourceNotSpecified,
        "ipip.source"
    );
    let mut t = base();
    ipip(&mut t).source = Some(pb::SourceOptions {
        source_options: Some(pb::source_options::SourceOptions::Address(net(
            "2001:db8::1",
            0,
        ))),
    });
    refused!(
        i.interface_add(fti(t)),
        Add::TunnelEncapSrcIpv6AddrNotSupported,
        "ipip.source",
        "IPv6"
    );
    let mut t = base();
    ipip(&mut t).source = Some(pb::SourceOptions {
        source_options: Some(pb::source_options::SourceOptions::Address(net(
            "198.51.100.1",
            24,
        ))),
    });
    refused!(
        i.interface_add(fti(t)),
        Add::TunnelEncapSrcAddrSubnetMaskNotAllowed,
        "198.51.100.1/24"
    );
    let mut t = base();
    ipip(&mut t).destination = None;
    refused!(
        i.interface_add(fti(t)),
        Add::TunnelEncapDestNotSpecified,
        "ipip.destination"
    );
    let mut t = base();
    ipip(&mut t).destination = Some(pb::DestinationOptions { address: None });
    refused!(
        i.interface_add(fti(t)),
        Add::TunnelEncapDestAddrNotSpecified,
        "destination.address",
        "tunnel termination"
    );
    let mut t = base();
    ipip(&mut t).destination = Some(pb::DestinationOptions {
        address: Some(net("2001:db8::2", 0)),
    });
    refused!(
        i.interface_add(fti(t)),
        Add::TunnelEncapDestIpv6AddrNotSupported,
        "ipip.destination"
    );
    let mut t = base();
    ipip(&mut t).destination = Some(pb::DestinationOptions {
        address: Some(net("198.51.100.2", 32)),
    });
    refused!(
        i.interface_add(fti(t)),
        Add::TunnelEncapDestAddrSubnetMaskNotAllowed,
        "198.51.100.2/32"
    );
    refused!(
        i.interface_add(fti(ipip_tunnel("198.51.100.1", "198.51.100.1"))),
        Add::TunnelEncapSrcDestAddrSame,
        "both 198.51.100.1"
    );
    let mut t = base();
    ipip(&mut t).ttl = 64;
    refused!(
        i.interface_add(fti(t)),
        Add::OperationFailed,
        "ipip.ttl",
        "Evolved"
    );
    let mut t = base();
    ipip(&mut t).source = Some(pb::SourceOptions {
        source_options: Some(pb::source_options::SourceOptions::Interface("lo0.7".into())),
    });
    refused!(
        i.interface_add(fti(t)),
        Add::OperationFailed,
        "source.interface 'lo0.7' does not exist"
    );

    // Fragmentation: IPv4 ends, no termination.
    let mut t = base();
    t.fragmentation = 1;
    let o = ipip(&mut t);
    o.destination = None;
    o.bypass_or_terminate = Some(BypassOrTerminate {
        tunnel_type: Some(TunnelType::TunnelTerminate(true)),
    });
    refused!(
        i.interface_add(fti(t)),
        Add::TunnelFragmentationTunnelTerminateMismatch,
        "fragmentation",
        "termination"
    );
    let mut t = base();
    t.fragmentation = 1;
    ipip(&mut t).source = Some(pb::SourceOptions {
        source_options: Some(pb::source_options::SourceOptions::Interface(
            "ge-0/0/0.0".into(),
        )),
    });
    refused!(
        i.interface_add(fti(t)),
        Add::TunnelFragmentationSrcDestTypeMismatch,
        "IPv4 source"
    );
    // With termination no destination is needed.
    let mut t = base();
    let o = ipip(&mut t);
    o.destination = None;
    o.bypass_or_terminate = Some(BypassOrTerminate {
        tunnel_type: Some(TunnelType::TunnelTerminate(true)),
    });
    ok!(i.interface_add(fti(t)));
    let mut t = base();
    t.fragmentation = 1;
    ok!(i.interface_update(unit("fti0", 0).tunnel(t).update_request()));
}

#[tokio::test]
async fn vxlan_gpe_needs_vni_endpoint_and_port() {
    let dev = device().await;
    let (_c, mut i) = dcd(&dev, "vx").await;
    ok!(i.interface_add(interface("fti3").add_request()));
    let base = || vxlan_gpe_tunnel("198.51.100.1", "198.51.100.2", 10, 4790);
    let add = |t: pb::TunnelOptions| unit("fti3", 0).tunnel(t).add_request();
    let mut t = base();
    vx(&mut t).vni = 0;
    refused!(
        i.interface_add(add(t)),
        Add::TunnelEncapVniNotSpecified,
        "vxlan-gpe.vni"
    );
    let mut t = base();
    vx(&mut t).tunnel_endpoint.clear();
    refused!(
        i.interface_add(add(t)),
        Add::TunnelEncapTunnelEndpointNotSpecified,
        "tunnel_endpoint"
    );
    let mut t = base();
    vx(&mut t).destination_udp_port = 0;
    refused!(
        i.interface_add(add(t)),
        Add::TunnelEncapDestUdpPortNotSpecified,
        "destination_udp_port"
    );
    let mut t = base();
    vx(&mut t).vni = 16_777_215;
    refused!(
        i.interface_add(add(t)),
        Add::OperationFailed,
        "vni 16777215"
    );
    let mut t = base();
    vx(&mut t).destination = None;
    refused!(
        i.interface_add(add(t)),
        Add::TunnelEncapDestNotSpecified,
        "vxlan-gpe.destination"
    );
    ok!(i.interface_add(add(base())));
}
