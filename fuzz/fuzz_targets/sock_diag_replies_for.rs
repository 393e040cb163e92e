#![no_main]
//! sock_diag::parse_replies_for: the first 5 input bytes choose the sequence filter and the
//! inet socket type, the rest is the buffer; sockets pair families and endpoints, inet ones
//! carry the given type, and without a filter the result equals parse_replies'.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::sock_diag::{parse_replies, parse_replies_for};
use sysgauge::platform::linux::parse::socket::Endpoint;

#[path = "../common/sockets.rs"]
mod sockets;

fuzz_target!(|data: &[u8]| {
    let Some((head, buf)) = data.split_first_chunk::<5>() else {
        return;
    };
    let seq = u32::from_ne_bytes([head[0], head[1], head[2], head[3]]);
    let sock_type = head[4];
    let mut out = Vec::new();
    let r = parse_replies_for(buf, Some(seq), sock_type, &mut out);
    for s in &out {
        sockets::check(s);
        if let Endpoint::Inet(_) = s.local {
            assert_eq!(s.sock_type, sock_type);
        }
    }
    let mut a = Vec::new();
    let mut b = Vec::new();
    let ra = parse_replies(buf, &mut a);
    let rb = parse_replies_for(buf, None, 0, &mut b);
    assert_eq!((ra, a), (rb, b));
    let _ = r;
});
