#![no_main]
//! utmp::records: one record per whole 384-byte chunk, each field read straight from its
//! offset in struct utmp, and the records written back as utmp bytes read equal.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::utmp::{records, UtmpRecord, RECORD_SIZE};

fn cstr(b: &[u8]) -> &[u8] {
    &b[..b.iter().position(|&c| c == 0).unwrap_or(b.len())]
}

fn i16_at(b: &[u8], o: usize) -> i16 {
    i16::from_ne_bytes([b[o], b[o + 1]])
}

fn i32_at(b: &[u8], o: usize) -> i32 {
    i32::from_ne_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]])
}

fn write(r: &UtmpRecord) -> Vec<u8> {
    let mut b = vec![0u8; RECORD_SIZE];
    b[0..2].copy_from_slice(&r.ut_type.to_ne_bytes());
    b[4..8].copy_from_slice(&r.pid.to_ne_bytes());
    b[8..8 + r.line.len()].copy_from_slice(&r.line);
    b[40..40 + r.id.len()].copy_from_slice(&r.id);
    b[44..44 + r.user.len()].copy_from_slice(&r.user);
    b[76..76 + r.host.len()].copy_from_slice(&r.host);
    b[332..334].copy_from_slice(&r.exit_termination.to_ne_bytes());
    b[334..336].copy_from_slice(&r.exit_exit.to_ne_bytes());
    b[336..340].copy_from_slice(&r.session.to_ne_bytes());
    b[340..344].copy_from_slice(&r.tv_sec.to_ne_bytes());
    b[344..348].copy_from_slice(&r.tv_usec.to_ne_bytes());
    b[348..364].copy_from_slice(&r.addr_v6);
    b
}

fuzz_target!(|data: &[u8]| {
    let v = records(data);
    assert_eq!(v.len(), data.len() / RECORD_SIZE);
    let mut again = Vec::new();
    for (r, b) in v.iter().zip(data.chunks_exact(RECORD_SIZE)) {
        assert_eq!(r.ut_type, i16_at(b, 0));
        assert_eq!(r.pid, i32_at(b, 4));
        assert_eq!(r.line, cstr(&b[8..40]));
        assert_eq!(r.id, cstr(&b[40..44]));
        assert_eq!(r.user, cstr(&b[44..76]));
        assert_eq!(r.host, cstr(&b[76..332]));
        assert_eq!(
            (r.exit_termination, r.exit_exit),
            (i16_at(b, 332), i16_at(b, 334))
        );
        assert_eq!(
            (r.session, r.tv_sec, r.tv_usec),
            (i32_at(b, 336), i32_at(b, 340), i32_at(b, 344))
        );
        assert_eq!(&r.addr_v6[..], &b[348..364]);
        again.extend_from_slice(&write(r));
    }
    assert_eq!(records(&again), v);
});
