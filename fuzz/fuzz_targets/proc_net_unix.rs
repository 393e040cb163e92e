#![no_main]
//! proc_net::parse_unix: an error leaves `out` as it was; sockets are AF_UNIX with an empty
//! remote; written back in /proc/net/unix's layout (when no path spans lines) they parse equal.
use libfuzzer_sys::fuzz_target;
use std::fmt::Write;
use sysgauge::platform::linux::parse::proc_net::parse_unix;
use sysgauge::platform::linux::parse::socket::{Endpoint, RawSocket};

fuzz_target!(|data: &[u8]| {
    let mut out = Vec::new();
    if parse_unix(data, &mut out).is_err() {
        assert!(out.is_empty(), "an error leaves out as it was");
        return;
    }
    let mut text = b"Num       RefCount Protocol Flags    Type St Inode Path\n".to_vec();
    let mut one_line = true;
    for s in &out {
        let RawSocket {
            family: 1,
            local: Endpoint::Unix(path),
            remote: Endpoint::Unix(remote),
            ..
        } = s
        else {
            panic!("not a unix socket: {s:?}");
        };
        assert!(remote.is_empty());
        one_line &= !path.contains(&b'\n');
        let mut line = String::new();
        write!(
            line,
            "0000000000000000: 00000002 00000000 00010000 {:04X} {:02X} {}",
            s.sock_type, s.state, s.inode
        )
        .unwrap();
        text.extend_from_slice(line.as_bytes());
        if !path.is_empty() {
            text.push(b' ');
            text.extend_from_slice(path);
        }
        text.push(b'\n');
    }
    if one_line {
        let mut again = Vec::new();
        parse_unix(&text, &mut again).expect("rendered table parses");
        assert_eq!(again, out);
    }
});
