//! What the `show interfaces` renderings (terse and descriptions in `render`, normal
//! and extensive in `detail`) share.

use crate::output::Element;
use crate::vocab::interfaces::{Ifd, Ifl};

/// What a query selected.
pub(super) enum Selection<'a> {
    /// Physical interfaces (with all their units).
    Ifds(Vec<&'a Ifd>),
    /// One logical interface.
    Ifl(&'a Ifd, &'a Ifl),
}

pub(super) fn up_down(up: bool) -> &'static str {
    if up {
        "up"
    } else {
        "down"
    }
}

/// The root element of every style.
pub(super) fn root(style: &str) -> Element {
    Element::container("interface-information")
        .xmlns("junos-interface")
        .attr("junos:style", style)
}
