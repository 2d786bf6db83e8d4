//! Authorization by login class, in one place for every API (JET, legacy, jcli):
//!
//! | class        | `show ...` | other operational commands (`request`, `clear`, ...) | configuration |
//! |--------------|------------|------------------------------------------------------|---------------|
//! | `read-only`  | yes        | no                                                   | no            |
//! | `operator`   | yes        | yes                                                  | no            |
//! | `super-user` | yes        | yes                                                  | yes           |

use jet_config::LoginClass;

use super::Who;
use crate::error::DeviceError;
use crate::vocab::op_input::OpInput;

/// True when the command only reads (`show ...`, `<get-...>` RPCs).
fn is_show(input: OpInput<'_>) -> bool {
    match input {
        OpInput::Cli(text) => cli_is_show(text),
        OpInput::Xml(text) => {
            let t = text.trim();
            let t = t.strip_prefix("<rpc>").map_or(t, str::trim_start);
            match t.strip_prefix("<command>") {
                Some(inner) => cli_is_show(inner),
                None => t.starts_with("<get-"),
            }
        }
    }
}

fn cli_is_show(text: &str) -> bool {
    let first = text
        .split('|')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .next();
    // Commands may be abbreviated ("sh"), as the command tree resolves them.
    first.is_some_and(|w| !w.is_empty() && "show".starts_with(w))
}

/// May a user of `class` run this operational command?
pub fn authorize_op(class: LoginClass, input: OpInput<'_>) -> Result<(), DeviceError> {
    if class == LoginClass::ReadOnly && !is_show(input) {
        return Err(DeviceError::OpNotAllowed { class });
    }
    Ok(())
}

/// May `who` change the configuration?
pub(crate) fn authorize_config(who: &Who) -> Result<(), DeviceError> {
    if who.class != LoginClass::SuperUser {
        return Err(DeviceError::ConfigNotAllowed {
            user: who.user.clone(),
            class: who.class,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_only_may_only_show() {
        let ro = LoginClass::ReadOnly;
        assert!(authorize_op(ro, OpInput::Cli("show version")).is_ok());
        assert!(authorize_op(ro, OpInput::Cli("sh ver | display xml")).is_ok());
        assert!(authorize_op(ro, OpInput::Xml("<get-software-information/>")).is_ok());
        assert!(authorize_op(ro, OpInput::Xml("<command>show version</command>")).is_ok());
        assert!(authorize_op(ro, OpInput::Cli("request system reboot")).is_err());
        assert!(authorize_op(ro, OpInput::Cli("clear log messages")).is_err());
        assert!(authorize_op(ro, OpInput::Xml("<request-reboot/>")).is_err());
    }

    #[test]
    fn operator_may_run_operational_commands_but_not_configure() {
        let op = LoginClass::Operator;
        assert!(authorize_op(op, OpInput::Cli("request system reboot")).is_ok());
        let who = Who {
            user: "noc".into(),
            class: op,
            client: "grpc".into(),
        };
        let e = authorize_config(&who).expect_err("refused");
        assert!(e.to_string().contains("class operator"), "{e}");
        let su = Who {
            class: LoginClass::SuperUser,
            ..who
        };
        assert!(authorize_config(&su).is_ok());
    }
}
