//! Platform backends. Only Linux is built; a new OS adds a sibling module with the same
//! functions and is selected in [`imp`].

pub mod linux;

/// The backend for the OS this crate is built for.
pub(crate) use linux as imp;
