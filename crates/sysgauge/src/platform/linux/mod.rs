//! The Linux backend: reads `/proc` and `/sys` below [`Roots`](crate::Roots) and makes
//! the few syscalls Linux needs.
//!
//! - [`parse`]: pure parsers over the bytes of kernel files (public, fuzzed, fixture-tested).
//! - `fs`: the one place that does file I/O.
//! - `sys`: the syscall wrappers, the only code with `unsafe`.
//! - one module per area (`cpu`, `memory`, `disk`, `net`, `sensors`, `host`) joining them.

pub mod parse;

pub(crate) mod connections;
pub(crate) mod cpu;
pub(crate) mod disk;
pub(crate) mod fs;
pub(crate) mod host;
pub(crate) mod memory;
pub(crate) mod net;
pub(crate) mod process;
pub(crate) mod sensors;
pub(crate) mod sys;
