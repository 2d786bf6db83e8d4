//! Protobuf enum fields as the device's types: one decoder, and each generation's
//! numbering as a table (index = wire number), so a generation differs in data only.

use jet_config::LoadMode;
use jet_device::{CfgMode, EphemeralOpKind, Format};
use tonic::Status;

/// `INVALID_ARGUMENT` for a value `enum_name` does not define: `FIELD: unknown ENUM value N`.
pub(crate) fn unknown(field: &str, enum_name: &str, value: i32) -> Status {
    Status::invalid_argument(format!("{field}: unknown {enum_name} value {value}"))
}

/// The entry of `table` for wire number `value` of field `field` (of protobuf enum
/// `enum_name`), or `INVALID_ARGUMENT` for a number the enum does not define.
pub(crate) fn decode<T: Copy>(
    value: i32,
    table: &[T],
    field: &str,
    enum_name: &str,
) -> Result<T, Status> {
    usize::try_from(value)
        .ok()
        .and_then(|i| table.get(i).copied())
        .ok_or_else(|| unknown(field, enum_name, value))
}

/// Checks that `value` is one of protobuf enum `E`'s numbers (fields read but not used).
pub(crate) fn check<E: TryFrom<i32>>(
    value: i32,
    field: &str,
    enum_name: &str,
) -> Result<(), Status> {
    E::try_from(value)
        .map(drop)
        .map_err(|_| unknown(field, enum_name, value))
}

/// Op-command output formats; both generations number them JSON 0, XML 1, CLI 2
/// (`OpCommandOutputFormat`, `OperationFormatType`).
pub(crate) const OP_FORMATS: [Format; 3] = [Format::Json, Format::Xml, Format::Text];

/// `jnx.jet.management.ConfigLoadType`: MERGE is the zero value.
pub(crate) const LOAD_MODES: [LoadMode; 5] = [
    LoadMode::Merge,
    LoadMode::Replace,
    LoadMode::Override,
    LoadMode::Update,
    LoadMode::Set,
];

/// Legacy `management.ConfigLoadType`: REPLACE is the zero value (unset means replace).
pub(crate) const LEGACY_LOAD_MODES: [LoadMode; 5] = [
    LoadMode::Replace,
    LoadMode::Merge,
    LoadMode::Override,
    LoadMode::Update,
    LoadMode::Set,
];

/// `jnx.jet.management.ConfigGetOutputFormat`: JSON is the zero value.
pub(crate) const CONFIG_GET_FORMATS: [Format; 2] = [Format::Json, Format::Xml];

/// Legacy `management.JunosDataEncodingTypes`: XML is the zero value.
pub(crate) const LEGACY_ENCODINGS: [Format; 2] = [Format::Xml, Format::Json];

/// Legacy `management.ConfigCommands`.
pub(crate) const LEGACY_CONFIG_COMMANDS: [EphemeralOpKind; 3] = [
    EphemeralOpKind::Update,
    EphemeralOpKind::Replace,
    EphemeralOpKind::Delete,
];

/// `openjet.config.v1.ConfigMode`.
pub(crate) const CONFIG_MODES: [CfgMode; 3] =
    [CfgMode::Shared, CfgMode::Private, CfgMode::Exclusive];

#[cfg(test)]
mod tests {
    use super::*;
    use jet_proto::jnx::jet::management as mgmt;
    use jet_proto::management as lm;
    use jet_proto::openjet::config::v1 as cs;
    use tonic::Code;

    /// `table[n]` for the wire number `n` of a generated enum value.
    fn at<T: Copy>(table: &[T], n: i32) -> T {
        decode(n, table, "f", "E").expect("defined")
    }

    #[test]
    fn each_generation_table_follows_its_protobuf_numbering() {
        use LoadMode::*;
        for (n, want) in [
            (mgmt::ConfigLoadType::ConfigLoadMerge as i32, Merge),
            (mgmt::ConfigLoadType::ConfigLoadReplace as i32, Replace),
            (mgmt::ConfigLoadType::ConfigLoadOverride as i32, Override),
            (mgmt::ConfigLoadType::ConfigLoadUpdate as i32, Update),
            (mgmt::ConfigLoadType::ConfigLoadSet as i32, Set),
        ] {
            assert_eq!(at(&LOAD_MODES, n), want);
        }
        for (n, want) in [
            (lm::ConfigLoadType::ConfigLoadMerge as i32, Merge),
            (lm::ConfigLoadType::ConfigLoadReplace as i32, Replace),
            (lm::ConfigLoadType::ConfigLoadOverride as i32, Override),
            (lm::ConfigLoadType::ConfigLoadUpdate as i32, Update),
            (lm::ConfigLoadType::ConfigLoadSet as i32, Set),
        ] {
            assert_eq!(at(&LEGACY_LOAD_MODES, n), want);
        }
        for (n, want) in [
            (
                mgmt::OpCommandOutputFormat::OpCommandOutputJson as i32,
                Format::Json,
            ),
            (
                mgmt::OpCommandOutputFormat::OpCommandOutputXml as i32,
                Format::Xml,
            ),
            (
                mgmt::OpCommandOutputFormat::OpCommandOutputCli as i32,
                Format::Text,
            ),
            (
                lm::OperationFormatType::OperationFormatJson as i32,
                Format::Json,
            ),
            (
                lm::OperationFormatType::OperationFormatXml as i32,
                Format::Xml,
            ),
            (
                lm::OperationFormatType::OperationFormatCli as i32,
                Format::Text,
            ),
        ] {
            assert_eq!(at(&OP_FORMATS, n), want);
        }
        for (n, want) in [
            (
                mgmt::ConfigGetOutputFormat::ConfigGetOutputJson as i32,
                Format::Json,
            ),
            (
                mgmt::ConfigGetOutputFormat::ConfigGetOutputXml as i32,
                Format::Xml,
            ),
        ] {
            assert_eq!(at(&CONFIG_GET_FORMATS, n), want);
        }
        for (n, want) in [
            (lm::JunosDataEncodingTypes::EncodingXml as i32, Format::Xml),
            (
                lm::JunosDataEncodingTypes::EncodingJson as i32,
                Format::Json,
            ),
        ] {
            assert_eq!(at(&LEGACY_ENCODINGS, n), want);
        }
        for (n, want) in [
            (
                lm::ConfigCommands::UpdateConfig as i32,
                EphemeralOpKind::Update,
            ),
            (
                lm::ConfigCommands::ReplaceConfig as i32,
                EphemeralOpKind::Replace,
            ),
            (
                lm::ConfigCommands::DeleteConfig as i32,
                EphemeralOpKind::Delete,
            ),
        ] {
            assert_eq!(at(&LEGACY_CONFIG_COMMANDS, n), want);
        }
        for (n, want) in [
            (cs::ConfigMode::Shared as i32, CfgMode::Shared),
            (cs::ConfigMode::Private as i32, CfgMode::Private),
            (cs::ConfigMode::Exclusive as i32, CfgMode::Exclusive),
        ] {
            assert_eq!(at(&CONFIG_MODES, n), want);
        }
    }

    #[test]
    fn tables_are_as_long_as_their_enums_so_unknown_numbers_are_refused() {
        assert!(lm::ConfigLoadType::try_from(LEGACY_LOAD_MODES.len() as i32).is_err());
        assert!(mgmt::ConfigLoadType::try_from(LOAD_MODES.len() as i32).is_err());
        assert!(mgmt::ConfigGetOutputFormat::try_from(CONFIG_GET_FORMATS.len() as i32).is_err());
        assert!(lm::JunosDataEncodingTypes::try_from(LEGACY_ENCODINGS.len() as i32).is_err());
        assert!(lm::ConfigCommands::try_from(LEGACY_CONFIG_COMMANDS.len() as i32).is_err());
        assert!(cs::ConfigMode::try_from(CONFIG_MODES.len() as i32).is_err());
        assert!(lm::OperationFormatType::try_from(OP_FORMATS.len() as i32).is_err());
    }

    #[test]
    fn an_unknown_number_is_invalid_argument_naming_field_enum_and_value() {
        for v in [5, -1, i32::MAX] {
            let e = decode(v, &LOAD_MODES, "load_type", "ConfigLoadType").expect_err("unknown");
            assert_eq!(e.code(), Code::InvalidArgument);
            assert_eq!(
                e.message(),
                format!("load_type: unknown ConfigLoadType value {v}")
            );
        }
        let e = check::<mgmt::ConfigCommitType>(7, "commit.type", "ConfigCommitType")
            .expect_err("unknown");
        assert_eq!(e.message(), "commit.type: unknown ConfigCommitType value 7");
        assert!(check::<mgmt::ConfigCommitType>(0, "commit.type", "ConfigCommitType").is_ok());
    }
}
