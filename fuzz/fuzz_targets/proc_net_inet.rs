#![no_main]
//! proc_net::parse_inet: an error leaves `out` as it was; sockets parsed as AF_INET and
//! AF_INET6 written back in /proc/net/tcp's layout parse to the same sockets.
use libfuzzer_sys::fuzz_target;
use std::fmt::Write;
use std::net::SocketAddr;
use sysgauge::platform::linux::parse::proc_net::parse_inet;
use sysgauge::platform::linux::parse::socket::{Endpoint, RawSocket};

// AF_INET, AF_INET6, SOCK_STREAM, SOCK_DGRAM (Linux values).
const FAMILIES: [u8; 2] = [2, 10];
const TYPES: [u8; 2] = [1, 2];

fn addr(e: &Endpoint, family: u8) -> String {
    let mut s = String::new();
    match (e, family) {
        (Endpoint::Inet(SocketAddr::V4(a)), 2) => {
            write!(
                s,
                "{:08X}:{:04X}",
                u32::from_ne_bytes(a.ip().octets()),
                a.port()
            )
            .unwrap();
        }
        (Endpoint::Inet(SocketAddr::V6(a)), 10) => {
            for w in a.ip().octets().chunks_exact(4) {
                write!(s, "{:08X}", u32::from_ne_bytes([w[0], w[1], w[2], w[3]])).unwrap();
            }
            write!(s, ":{:04X}", a.port()).unwrap();
        }
        other => panic!("family {family} with endpoint {other:?}"),
    }
    s
}

fuzz_target!(|data: &[u8]| {
    for family in FAMILIES {
        for sock_type in TYPES {
            let mut out = vec![RawSocket {
                family: 0,
                sock_type: 0,
                state: 0,
                local: Endpoint::Unix(Vec::new()),
                remote: Endpoint::Unix(Vec::new()),
                inode: 0,
            }];
            let before = out.clone();
            if parse_inet(data, family, sock_type, &mut out).is_err() {
                assert_eq!(out, before, "an error leaves out as it was");
                continue;
            }
            let got = out.split_off(1);
            let mut text = String::from("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
            for (i, s) in got.iter().enumerate() {
                assert_eq!((s.family, s.sock_type), (family, sock_type));
                writeln!(
                    text,
                    "{i:4}: {} {} {:02X} 00000000:00000000 00:00000000 00000000  1000        0 {} 1 0000000000000000 100 0 0 10 0",
                    addr(&s.local, family),
                    addr(&s.remote, family),
                    s.state,
                    s.inode
                )
                .unwrap();
            }
            let mut again = Vec::new();
            parse_inet(text.as_bytes(), family, sock_type, &mut again)
                .expect("rendered table parses");
            assert_eq!(again, got);
        }
    }
});
