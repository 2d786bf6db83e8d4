//! An operational command as a client sent it (read by the op layer and by the login
//! class check).

/// An operational command as a client sent it.
#[derive(Debug, Clone, Copy)]
pub enum OpInput<'a> {
    /// CLI words, optionally with pipes (`show configuration | display set`).
    Cli(&'a str),
    /// A Junos XML RPC (`<get-software-information/>`).
    Xml(&'a str),
}
