//! Refusals of a live-command registration (a leaf module: `spec` and the owner task
//! both name them).

/// Why a registration is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LiveCommandError {
    /// A field of the request is malformed.
    #[error("{field}: {reason}")]
    Invalid {
        /// The field (`commands[1].cli`).
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Too many commands in one registration.
    #[error("commands: {count} commands, at most {max} in one registration")]
    TooMany {
        /// How many were sent.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// The command exists already.
    #[error("commands[{index}].cli: '{command}' is already {owner}")]
    Conflict {
        /// Its index in the request.
        index: usize,
        /// The command.
        command: String,
        /// Whose it is ("a command of the device", "defined by package P", ...).
        owner: String,
    },
    /// The device holds its most live commands.
    #[error("the device holds {held} live commands; {asked} more would pass the limit of {max}")]
    Full {
        /// How many there are.
        held: usize,
        /// How many were asked for.
        asked: usize,
        /// The limit.
        max: usize,
    },
    /// The device is going away.
    #[error("the device is shutting down")]
    ShuttingDown,
}
