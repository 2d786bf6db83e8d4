//! Bytes on the wire: field numbers and encodings of a few messages, checked by hand.

use jet_proto::jnx::jet::{authentication as auth, management as mgmt, routing::rib};
use jet_proto::{authentication as legacy_auth, management as legacy_mgmt};
use prost::Message;

#[test]
fn op_command_get_request_puts_cli_command_in_field_1_and_format_in_field_3() {
    let req = mgmt::OpCommandGetRequest {
        command: Some(mgmt::op_command_get_request::Command::CliCommand(
            "show version".into(),
        )),
        out_format: mgmt::OpCommandOutputFormat::OpCommandOutputXml as i32,
    };
    let mut want = vec![0x0a, 12]; // field 1, length-delimited, 12 bytes
    want.extend_from_slice(b"show version");
    want.extend_from_slice(&[0x18, 0x01]); // field 3, varint, XML = 1
    assert_eq!(req.encode_to_vec(), want);
    assert_eq!(mgmt::OpCommandGetRequest::decode(&want[..]).unwrap(), req);
}

#[test]
fn op_command_get_response_keeps_data_in_field_3() {
    let resp = mgmt::OpCommandGetResponse {
        status: None,
        data: "ok".into(),
    };
    assert_eq!(resp.encode_to_vec(), [0x1a, 2, b'o', b'k']);
}

#[test]
fn legacy_login_request_bytes_decode_as_new_generation_login_request() {
    let legacy = legacy_auth::LoginRequest {
        user_name: "admin".into(),
        password: "secret".into(),
        client_id: "app-1".into(),
        group_id: "grp".into(),
    };
    let bytes = legacy.encode_to_vec();
    let new = auth::LoginRequest::decode(&bytes[..]).expect("same field numbers");
    assert_eq!(new.username, "admin");
    assert_eq!(new.password, "secret");
    assert_eq!(new.client_id, "app-1");
    assert_eq!(new.group_id, "grp");
    assert_eq!(new.encode_to_vec(), bytes);
}

#[test]
fn legacy_and_new_load_type_numbering_differ() {
    // The spec's trap: an unset load_type means REPLACE in the legacy IDL, MERGE in the new.
    assert_eq!(
        legacy_mgmt::ConfigLoadType::default().as_str_name(),
        "CONFIG_LOAD_REPLACE"
    );
    assert_eq!(
        mgmt::ConfigLoadType::default().as_str_name(),
        "CONFIG_LOAD_MERGE"
    );
}

#[test]
fn rib_preferences_map_values_are_uint32value_messages() {
    // preferences {0: 5}: entry = field 1 (LEN) { key: field 1 = 0, value: field 2 (LEN)
    // { UInt32Value.value: field 1 = 5 } }.
    let bytes = [0x0a, 0x06, 0x08, 0x00, 0x12, 0x02, 0x08, 0x05];
    let attrs = rib::RouteAttributes::decode(&bytes[..]).expect("decodes");
    assert_eq!(attrs.preferences.get(&0), Some(&5));

    let mut attrs = rib::RouteAttributes::default();
    attrs.preferences.insert(1, 100);
    let round_trip = rib::RouteAttributes::decode(&attrs.encode_to_vec()[..]).unwrap();
    assert_eq!(round_trip.preferences.get(&1), Some(&100));
    // The value is wrapped: a bare varint would be `0x10 0x64`, the wrapper is `0x12 ..`.
    assert!(attrs
        .encode_to_vec()
        .windows(3)
        .any(|w| w == [0x12, 0x02, 0x08]));
}
