//! The Firewall service driven by juniper-jet (Juniper's own 23.1 IDL, prost 0.11): a
//! policer and a filter programmed, bound, exercised by `test forwarding packet`, its
//! counters read and cleared, a refusal with its sub-code, then unbound and deleted.
//! Checks our decoding of every message against an independent generation of the same
//! IDL. Needs `$JETD_BIN`.

use compat_juniper_jet::Device;
use jet::junos_23_1::jnx::jet::{
    common::{ip_address::AddrFormat, IpAddress, StatusCode},
    firewall::{
        self as fw, filter_bind_obj_point::BindPoint, filter_term::FilterTerm as T,
        filter_term_inet_terminating_action::TerminatingAction, firewall_client::FirewallClient,
        policer_parameter::Parameter,
    },
    management::{
        config_set_request::Config, management_client::ManagementClient,
        op_command_get_request::Command, ConfigLoadType, ConfigSetRequest, OpCommandGetRequest,
        OpCommandOutputFormat,
    },
};
use tonic::transport::Channel;

const NET: &str = "interfaces { \
    ge-0/0/0 { unit 0 { family inet { address 10.0.0.1/24; } } } \
    ge-0/0/1 { unit 0 { family inet { address 10.1.0.1/24; } } } } \
    routing-options { static { route 192.0.2.0/24 next-hop 10.1.0.2; } }";

async fn op(channel: &Channel, cmd: &str) -> String {
    let mut stream = ManagementClient::new(channel.clone())
        .op_command_get(OpCommandGetRequest {
            out_format: OpCommandOutputFormat::OpCommandOutputCli.into(),
            command: Some(Command::CliCommand(cmd.into())),
        })
        .await
        .expect("OpCommandGet")
        .into_inner();
    let mut out = String::new();
    while let Some(r) = stream.message().await.expect("stream") {
        let st = r.status.expect("status");
        assert_eq!(st.code(), StatusCode::Success, "{cmd}: {}", st.message);
        out.push_str(&r.data);
    }
    out
}

fn eq() -> i32 {
    fw::MatchOperation::OpEqual.into()
}

fn term(name: &str, proto: u32, port: u32, count: &str, policer: Option<&str>) -> fw::FilterTerm {
    fw::FilterTerm {
        filter_term: Some(T::InetTerm(fw::FilterInetTerm {
            term_name: name.into(),
            matches: Some(fw::FilterTermMatchInet {
                ipv4_dst_addrs: vec![fw::MatchIpAddress {
                    addr: Some(IpAddress {
                        addr_format: Some(AddrFormat::AddrString("192.0.2.0".into())),
                    }),
                    prefix_length: 24,
                    operation: eq(),
                }],
                protocols: vec![fw::MatchProtocol {
                    min: proto,
                    max: proto,
                    operation: eq(),
                }],
                dst_ports: vec![fw::MatchPort {
                    min: port,
                    max: port,
                    operation: eq(),
                }],
                ..Default::default()
            }),
            actions: Some(fw::FilterTermInetAction {
                actions_nt: Some(fw::FilterTermInetNonTerminatingAction {
                    count: Some(fw::ActionCounter {
                        counter_name: count.into(),
                    }),
                    policer: policer.map(|p| fw::ActionPolicer {
                        policer: Some(fw::Policer {
                            name: p.into(),
                            r#type: fw::PolicerType::TwoColorPolicer.into(),
                            ..Default::default()
                        }),
                    }),
                    ..Default::default()
                }),
                action_t: Some(fw::FilterTermInetTerminatingAction {
                    terminating_action: Some(TerminatingAction::Accept(true)),
                }),
            }),
            ..Default::default()
        })),
    }
}

fn binding() -> (
    Option<fw::Filter>,
    i32,
    Option<fw::FilterBindObjPoint>,
    i32,
    i32,
) {
    (
        Some(fw::Filter {
            name: "compat".into(),
            family: fw::FilterFamilies::FamilyInet.into(),
        }),
        fw::FilterBindObjType::BindObjTypeInterface.into(),
        Some(fw::FilterBindObjPoint {
            bind_point: Some(BindPoint::InterfaceName("ge-0/0/0.0".into())),
        }),
        fw::FilterBindDirection::BindDirectionInput.into(),
        fw::FilterFamilies::FamilyInet.into(),
    )
}

macro_rules! ok {
    ($call:expr) => {{
        let r = $call.await.expect("rpc").into_inner();
        let st = r.status.clone().expect("status");
        assert_eq!(
            (st.code(), r.sub_code),
            (StatusCode::Success, 0),
            "{}",
            st.message
        );
        r
    }};
}

#[tokio::test]
async fn filters_policers_bindings_and_counters_through_junipers_idl() {
    let device = Device::start();
    let channel = device.session("compat-fw").await;
    let cfg = ManagementClient::new(channel.clone())
        .config_set(ConfigSetRequest {
            load_type: ConfigLoadType::ConfigLoadMerge.into(),
            commit: None,
            config: Some(Config::TextConfig(NET.into())),
        })
        .await
        .expect("ConfigSet")
        .into_inner();
    assert_eq!(cfg.status.expect("status").code(), StatusCode::Success);
    let mut fwc = FirewallClient::new(channel.clone());

    ok!(fwc.policer_add(fw::PolicerAddRequest {
        name: "compat-lim".into(),
        r#type: fw::PolicerType::TwoColorPolicer.into(),
        flag: fw::PolicerFlag::FilterSpecific.into(),
        params: Some(fw::PolicerParameter {
            parameter: Some(Parameter::TwoColorParameter(fw::PolicerTwoColor {
                bandwidth: 1_000_000,
                burst_size: 15_000,
                discard: true,
                ..Default::default()
            })),
        }),
    }));
    ok!(fwc.filter_add(fw::FilterAddRequest {
        name: "compat".into(),
        r#type: fw::FilterTypes::TypeClassic.into(),
        family: fw::FilterFamilies::FamilyInet.into(),
        flag: fw::FilterFlags::FlagsNone.into(),
        terms_list: vec![
            term("dns", 17, 53, "dns", Some("compat-lim")),
            term("web", 6, 80, "web", None),
        ],
    }));
    let (filter, obj_type, bind_object, bind_direction, bind_family) = binding();
    ok!(fwc.filter_bind_add(fw::FilterObjBindAddRequest {
        filter,
        obj_type,
        bind_object,
        bind_direction,
        bind_family,
    }));

    for _ in 0..2 {
        let trace = op(
            &channel,
            "test forwarding packet interface ge-0/0/0.0 source 10.0.0.2 destination 192.0.2.9 \
             protocol udp destination-port 53 length 200",
        )
        .await;
        assert!(
            trace.contains("Filter: compat (client compat-fw) at ge-0/0/0.0 input")
                && trace.contains("Term dns: count dns, policer compat-lim in-spec, accept"),
            "{trace}"
        );
    }
    let c = ok!(fwc.filter_counter_get(fw::FilterCounterGetRequest {
        filter_name: "compat".into(),
        counter_name: "dns".into(),
    }));
    assert_eq!(
        (c.counter_name.as_str(), c.packets, c.bytes),
        ("dns", 2, 400)
    );
    let p = ok!(fwc.policer_counter_get(fw::PolicerCounterGetRequest {
        filter_name: "compat".into(),
        counter_name: "compat-lim".into(),
    }));
    assert_eq!(p.packets, 0, "single packets below the burst are in spec");
    ok!(fwc.filter_counter_set(fw::FilterCounterSetRequest {
        filter_name: "compat".into(),
        counter_name: "dns".into(),
    }));
    let c = ok!(fwc.filter_counter_get(fw::FilterCounterGetRequest {
        filter_name: "compat".into(),
        counter_name: "dns".into(),
    }));
    assert_eq!((c.packets, c.bytes), (0, 0));

    // FilterModify: replace term web (in place) with one on port 8080.
    let mut web = term("web", 6, 8080, "web", None);
    if let Some(T::InetTerm(t)) = &mut web.filter_term {
        t.term_op = fw::FilterTermOperation::TermOperationReplace.into();
    }
    ok!(fwc.filter_modify(fw::FilterModifyRequest {
        name: "compat".into(),
        r#type: fw::FilterTypes::TypeClassic.into(),
        family: fw::FilterFamilies::FamilyInet.into(),
        flag: fw::FilterFlags::FlagsNone.into(),
        terms_list: vec![web],
    }));
    let trace = op(
        &channel,
        "test forwarding packet interface ge-0/0/0.0 source 10.0.0.2 destination 192.0.2.9 \
         protocol tcp destination-port 8080",
    )
    .await;
    assert!(trace.contains("Term web: count web, accept"), "{trace}");

    // A refusal: sub-code and a message naming filter, term and field; nothing changes.
    let mut bad = term("bad", 6, 80, "bad", None);
    if let Some(T::InetTerm(t)) = &mut bad.filter_term {
        if let Some(m) = &mut t.matches {
            m.dst_ports[0].min = 90;
        }
    }
    let r = fwc
        .filter_add(fw::FilterAddRequest {
            name: "compat-bad".into(),
            r#type: fw::FilterTypes::TypeClassic.into(),
            family: fw::FilterFamilies::FamilyInet.into(),
            flag: fw::FilterFlags::FlagsNone.into(),
            terms_list: vec![bad],
        })
        .await
        .expect("rpc")
        .into_inner();
    let st = r.status.clone().expect("status");
    assert_eq!(
        (st.code(), r.sub_code()),
        (
            StatusCode::Failure,
            fw::filter_add_response::StatusCode::EinvalidMessage
        )
    );
    for w in ["filter 'compat-bad'", "term 'bad'", "destination-port"] {
        assert!(st.message.contains(w), "{:?} lacks {w:?}", st.message);
    }
    assert!(!op(&channel, "show firewall").await.contains("compat-bad"));

    let (filter, obj_type, bind_object, bind_direction, bind_family) = binding();
    ok!(fwc.filter_bind_delete(fw::FilterObjBindDeleteRequest {
        filter,
        obj_type,
        bind_object,
        bind_direction,
        bind_family,
    }));
    ok!(fwc.filter_delete(fw::FilterDeleteRequest {
        name: "compat".into(),
        family: fw::FilterFamilies::FamilyInet.into(),
    }));
    ok!(fwc.policer_delete(fw::PolicerDeleteRequest {
        name: "compat-lim".into(),
        ..Default::default()
    }));
    assert!(!op(&channel, "show firewall").await.contains("compat"));
}
