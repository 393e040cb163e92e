//! `/proc/net/{tcp,tcp6,udp,udp6,unix}`: the socket tables psutil reads (STUB: being written).

use super::socket::RawSocket;
use crate::error::ParseError;

/// Parses a `/proc/net/tcp`, `tcp6`, `udp` or `udp6` table into `out`.
pub fn parse_inet(
    _data: &[u8],
    _family: u8,
    _sock_type: u8,
    _out: &mut Vec<RawSocket>,
) -> Result<(), ParseError> {
    Err(ParseError::new("not written yet"))
}

/// Parses `/proc/net/unix` into `out`.
pub fn parse_unix(_data: &[u8], _out: &mut Vec<RawSocket>) -> Result<(), ParseError> {
    Err(ParseError::new("not written yet"))
}
