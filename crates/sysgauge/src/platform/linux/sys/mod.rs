//! Syscall wrappers: the only modules of sysgauge allowed `unsafe`. Each wrapper is safe to
//! call and returns a typed [`Error`](crate::Error).
#![allow(unsafe_code)]
pub(crate) mod clock;
pub(crate) mod filestat;
pub(crate) mod heap;
pub(crate) mod ifaddrs;
pub(crate) mod netif;
pub(crate) mod nprocs;
pub(crate) mod passwd;
pub(crate) mod process;
pub(crate) mod signals;
pub(crate) mod sock_diag;
pub(crate) mod statvfs;
