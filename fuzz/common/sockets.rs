//! Shared by the sock_diag targets: what every parsed socket must look like.
use std::net::SocketAddr;
use sysgauge::platform::linux::parse::socket::{Endpoint, RawSocket};

/// Checks the family/endpoint pairing: AF_INET with IPv4 endpoints, AF_INET6 with IPv6
/// endpoints (no flow info, no scope), AF_UNIX with a name and an empty remote.
pub fn check(s: &RawSocket) {
    match (s.family, &s.local, &s.remote) {
        (2, Endpoint::Inet(SocketAddr::V4(_)), Endpoint::Inet(SocketAddr::V4(_))) => {}
        (10, Endpoint::Inet(SocketAddr::V6(a)), Endpoint::Inet(SocketAddr::V6(b))) => {
            assert!(
                a.flowinfo() == 0 && a.scope_id() == 0 && b.flowinfo() == 0 && b.scope_id() == 0
            );
        }
        (1, Endpoint::Unix(_), Endpoint::Unix(r)) => assert!(r.is_empty()),
        _ => panic!("inconsistent socket {s:?}"),
    }
}
