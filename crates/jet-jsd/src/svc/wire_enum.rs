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

    /// Asserts that `table` holds `want` at each generated enum value `n`.
    fn follows<T: Copy + PartialEq + std::fmt::Debug>(table: &[T], pairs: &[(i32, T)]) {
        for &(n, want) in pairs {
            assert_eq!(
                decode(n, table, "f", "E").expect("defined"),
                want,
                "number {n}"
            );
        }
    }

    #[test]
    fn each_generation_table_follows_its_protobuf_numbering() {
        use lm::{ConfigCommands as Cmd, JunosDataEncodingTypes as Enc};
        use mgmt::{ConfigGetOutputFormat as Get, OpCommandOutputFormat as Op};
        use EphemeralOpKind as K;
        use Format::{Json, Text, Xml};
        use LoadMode::{Merge, Override, Replace, Set, Update};
        type New = mgmt::ConfigLoadType;
        type Old = lm::ConfigLoadType;
        follows(
            &LOAD_MODES,
            &[
                (New::ConfigLoadMerge as i32, Merge),
                (New::ConfigLoadReplace as i32, Replace),
                (New::ConfigLoadOverride as i32, Override),
                (New::ConfigLoadUpdate as i32, Update),
                (New::ConfigLoadSet as i32, Set),
            ],
        );
        follows(
            &LEGACY_LOAD_MODES,
            &[
                (Old::ConfigLoadMerge as i32, Merge),
                (Old::ConfigLoadReplace as i32, Replace),
                (Old::ConfigLoadOverride as i32, Override),
                (Old::ConfigLoadUpdate as i32, Update),
                (Old::ConfigLoadSet as i32, Set),
            ],
        );
        let legacy_op = lm::OperationFormatType::OperationFormatCli as i32;
        follows(
            &OP_FORMATS,
            &[
                (Op::OpCommandOutputJson as i32, Json),
                (Op::OpCommandOutputXml as i32, Xml),
                (Op::OpCommandOutputCli as i32, Text),
                (lm::OperationFormatType::OperationFormatJson as i32, Json),
                (lm::OperationFormatType::OperationFormatXml as i32, Xml),
                (legacy_op, Text),
            ],
        );
        follows(
            &CONFIG_GET_FORMATS,
            &[
                (Get::ConfigGetOutputJson as i32, Json),
                (Get::ConfigGetOutputXml as i32, Xml),
            ],
        );
        follows(
            &LEGACY_ENCODINGS,
            &[
                (Enc::EncodingXml as i32, Xml),
                (Enc::EncodingJson as i32, Json),
            ],
        );
        follows(
            &LEGACY_CONFIG_COMMANDS,
            &[
                (Cmd::UpdateConfig as i32, K::Update),
                (Cmd::ReplaceConfig as i32, K::Replace),
                (Cmd::DeleteConfig as i32, K::Delete),
            ],
        );
        follows(
            &CONFIG_MODES,
            &[
                (cs::ConfigMode::Shared as i32, CfgMode::Shared),
                (cs::ConfigMode::Private as i32, CfgMode::Private),
                (cs::ConfigMode::Exclusive as i32, CfgMode::Exclusive),
            ],
        );
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
