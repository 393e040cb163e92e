//! `NETLINK_SOCK_DIAG` requests and replies (STUB: being written).

use super::socket::RawSocket;
use crate::error::ParseError;

/// What a batch of netlink replies ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// The dump goes on: receive again.
    More,
    /// `NLMSG_DONE`: the dump is complete.
    Done,
    /// `NLMSG_ERROR` with this (positive) errno.
    Error(i32),
}

/// The request that dumps every inet socket of `family` and `protocol`.
pub fn inet_request(_family: u8, _protocol: u8, _seq: u32) -> Vec<u8> {
    Vec::new()
}

/// The request that dumps every unix socket with its name.
pub fn unix_request(_seq: u32) -> Vec<u8> {
    Vec::new()
}

/// Parses one received batch of replies into `out`.
pub fn parse_replies(_buf: &[u8], _out: &mut Vec<RawSocket>) -> Result<Reply, ParseError> {
    Err(ParseError::new("not written yet"))
}
