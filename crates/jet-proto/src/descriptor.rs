//! What the encoded [`crate::FILE_DESCRIPTOR_SET`] says about each service: the file
//! that defines it and that file's `japi_version` / `junos_release` options (fields
//! 50000 and 50001 of `google.protobuf.FileOptions`, which prost's descriptor types
//! would drop as unknown extensions, so the set is read with a small wire walker).

use prost::encoding::{decode_key, decode_varint, WireType};

/// One service of the descriptor set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceInfo {
    /// Fully-qualified name (`jnx.jet.routing.rib.Rib`).
    pub full_name: String,
    /// The `.proto` file that defines it.
    pub file: String,
    /// The file's `japi_version` option (`0.2.1`), empty when absent.
    pub japi_version: String,
    /// The file's `junos_release` option (`20.4`), empty when absent.
    pub junos_release: String,
}

/// The fields of one message as (number, wire type, value bytes or varint).
enum Field<'a> {
    Bytes(u32, &'a [u8]),
    Other,
}

fn fields(mut buf: &[u8]) -> Vec<Field<'_>> {
    let mut out = Vec::new();
    while !buf.is_empty() {
        let Ok((tag, wt)) = decode_key(&mut buf) else {
            break;
        };
        match wt {
            WireType::Varint => {
                if decode_varint(&mut buf).is_err() {
                    break;
                }
                out.push(Field::Other);
            }
            WireType::SixtyFourBit => {
                if buf.len() < 8 {
                    break;
                }
                buf = &buf[8..];
                out.push(Field::Other);
            }
            WireType::ThirtyTwoBit => {
                if buf.len() < 4 {
                    break;
                }
                buf = &buf[4..];
                out.push(Field::Other);
            }
            WireType::LengthDelimited => {
                let Ok(n) = decode_varint(&mut buf) else {
                    break;
                };
                let n = n as usize;
                if buf.len() < n {
                    break;
                }
                out.push(Field::Bytes(tag, &buf[..n]));
                buf = &buf[n..];
            }
            WireType::StartGroup | WireType::EndGroup => break,
        }
    }
    out
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Every service of the descriptor set, in file order.
pub fn services() -> Vec<ServiceInfo> {
    let mut out = Vec::new();
    for f in fields(crate::FILE_DESCRIPTOR_SET) {
        let Field::Bytes(1, file) = f else { continue };
        let (mut name, mut package, mut japi, mut release) =
            (String::new(), String::new(), String::new(), String::new());
        let mut svcs = Vec::new();
        for x in fields(file) {
            match x {
                Field::Bytes(1, b) => name = text(b),
                Field::Bytes(2, b) => package = text(b),
                Field::Bytes(6, s) => {
                    for y in fields(s) {
                        if let Field::Bytes(1, n) = y {
                            svcs.push(text(n));
                        }
                    }
                }
                Field::Bytes(8, opts) => {
                    for y in fields(opts) {
                        match y {
                            Field::Bytes(50000, v) => japi = text(v),
                            Field::Bytes(50001, v) => release = text(v),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        for s in svcs {
            out.push(ServiceInfo {
                full_name: format!("{package}.{s}"),
                file: name.clone(),
                japi_version: japi.clone(),
                junos_release: release.clone(),
            });
        }
    }
    out
}

/// The descriptor's entry for a fully-qualified service name.
pub fn service(full_name: &str) -> Option<ServiceInfo> {
    services().into_iter().find(|s| s.full_name == full_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_service_is_in_the_descriptor_with_its_file_options() {
        for name in crate::SERVICE_NAMES {
            assert!(service(name).is_some(), "{name}");
        }
        let bgp = service("jnx.jet.routing.bgp.Bgp").expect("bgp");
        assert_eq!(bgp.file, "jnx_routing_bgp_service.proto");
        assert_eq!(bgp.japi_version, "0.3.0");
        assert_eq!(bgp.junos_release, "20.4");
    }
}
