#![no_main]
//! sock_diag::parse_replies: every socket pairs its family with matching endpoints, and
//! when the whole buffer was read (Reply::More) filtering on the first message's sequence
//! number yields a subsequence of the same sockets.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::sock_diag::{parse_replies, parse_replies_for, Reply};

#[path = "../common/sockets.rs"]
mod sockets;

fuzz_target!(|data: &[u8]| {
    let mut all = Vec::new();
    let r = parse_replies(data, &mut all);
    all.iter().for_each(sockets::check);
    if r != Ok(Reply::More) {
        return;
    }
    let Some(seq) = data
        .get(8..12)
        .map(|b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
    else {
        assert!(all.is_empty());
        return;
    };
    let mut some = Vec::new();
    assert!(parse_replies_for(data, Some(seq), 0, &mut some).is_ok());
    let mut it = all.iter();
    for s in &some {
        assert!(
            it.any(|a| a == s),
            "{s:?} is not among the unfiltered sockets in order"
        );
    }
});
