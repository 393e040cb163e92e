//! Syscall wrappers: the only modules of sysgauge allowed `unsafe`. Each wrapper is safe to
//! call and returns a typed [`Error`](crate::Error).
#![allow(unsafe_code)]
