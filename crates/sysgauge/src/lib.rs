//! # sysgauge
//!
//! psutil's process and system information API, rebuilt in Rust, Linux first.
//!
//! Every psutil call has a function or method of the same name here, returning the same
//! values in the same units (computed by psutil 7.2.2's formulas), as typed structs inside a
//! [`Result`]. Names, paths and command lines are kept as raw bytes (`OsString`, `PathBuf`).
//!
//! ```no_run
//! let mem = sysgauge::virtual_memory()?;
//! println!("{} of {} bytes available", mem.available, mem.total);
//! # Ok::<(), sysgauge::Error>(())
//! ```
//!
//! The files are read below [`Roots`]: `/proc` and `/sys` unless `SYSGAUGE_PROCFS_PATH`,
//! `SYSGAUGE_SYSFS_PATH` or [`set_procfs_path`] say otherwise.
//!
//! Layers: the public API (this crate's root and its area modules), the platform backend
//! ([`platform::linux`]) and its sources (the pure parsers in [`platform::linux::parse`] and
//! the syscall wrappers).
#![deny(missing_docs)]
#![deny(unsafe_code)]

pub mod connections;
pub mod consts;
pub mod cpu;
pub mod disk;
pub mod error;
pub mod exit;
pub mod host;
pub mod human;
pub mod memory;
pub mod net;
pub mod nowrap;
mod order;
pub mod platform;
pub mod process;
pub mod roots;
pub mod sensors;
#[cfg(test)]
pub(crate) mod testing;

pub use connections::*;
pub use consts::*;
pub use cpu::*;
pub use disk::*;
pub use error::{Error, ParseError, Result};
pub use exit::*;
pub use host::*;
pub use human::*;
pub use memory::*;
pub use net::*;
pub use nowrap::*;
pub use process::*;
pub use roots::{procfs_path, set_procfs_path, set_sysfs_path, Roots};
pub use sensors::*;
