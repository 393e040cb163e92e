//! `utmp`: the login records file (`/var/run/utmp`).
//!
//! utmp(5): the file is a sequence of fixed-size `struct utmp` records, written in the
//! machine's byte order. This parser reads glibc's layout on 64-bit Linux (x86_64, aarch64,
//! and also i386/arm, whose `ut_tv` is two 32-bit fields too): 384 bytes per record,
//!
//! | offset | size | field | meaning |
//! |---:|---:|---|---|
//! | 0 | 2 | `ut_type` (`short`) + 2 bytes padding | record type: `EMPTY`=0, `RUN_LVL`=1, `BOOT_TIME`=2, `NEW_TIME`=3, `OLD_TIME`=4, `INIT_PROCESS`=5, `LOGIN_PROCESS`=6, `USER_PROCESS`=7, `DEAD_PROCESS`=8, `ACCOUNTING`=9 |
//! | 4 | 4 | `ut_pid` (`pid_t`) | pid of the login process |
//! | 8 | 32 | `ut_line` | device name of the tty, without `/dev/` |
//! | 40 | 4 | `ut_id` | terminal suffix or inittab id |
//! | 44 | 32 | `ut_user` | user name |
//! | 76 | 256 | `ut_host` | host name for a remote login, or the X display |
//! | 332 | 2+2 | `ut_exit` (`e_termination`, `e_exit`) | exit status of a `DEAD_PROCESS` |
//! | 336 | 4 | `ut_session` | session id |
//! | 340 | 4+4 | `ut_tv` (`int32_t tv_sec`, `int32_t tv_usec`) | time the entry was made |
//! | 348 | 16 | `ut_addr_v6` (`int32_t[4]`) | remote IPv4 (first word) or IPv6 address, network order |
//! | 364 | 20 | `__glibc_reserved` | unused |
//!
//! The string fields are NUL-padded and "not necessarily null-terminated" (utmp(5)): a field
//! that fills its whole array ends at the array's end. The offsets were checked against
//! `offsetof(struct utmp, ...)` from glibc 2.36's `<utmp.h>`. A trailing piece shorter than a
//! record is ignored, as glibc's `getutent` does. musl and other libcs use other layouts.

/// The size of one glibc `struct utmp` record, in bytes.
pub const RECORD_SIZE: usize = 384;

/// `ut_type` of an empty (unused) record.
pub const EMPTY: i16 = 0;
/// `ut_type` of a change in the run level.
pub const RUN_LVL: i16 = 1;
/// `ut_type` of the system boot record.
pub const BOOT_TIME: i16 = 2;
/// `ut_type` of the time after a clock change.
pub const NEW_TIME: i16 = 3;
/// `ut_type` of the time before a clock change.
pub const OLD_TIME: i16 = 4;
/// `ut_type` of a process spawned by init.
pub const INIT_PROCESS: i16 = 5;
/// `ut_type` of a getty waiting for a login (`LOGIN`).
pub const LOGIN_PROCESS: i16 = 6;
/// `ut_type` of a logged-in user's session.
pub const USER_PROCESS: i16 = 7;
/// `ut_type` of a session that has ended.
pub const DEAD_PROCESS: i16 = 8;
/// `ut_type` of an accounting record.
pub const ACCOUNTING: i16 = 9;

/// One `struct utmp` record; the string fields are the bytes before the first NUL (or the
/// whole array when there is none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UtmpRecord {
    /// `ut_type`: the record type (see [`USER_PROCESS`] and the other constants).
    pub ut_type: i16,
    /// `ut_pid`: the pid of the login process.
    pub pid: i32,
    /// `ut_line`: the tty's device name, without `/dev/` (e.g. `pts/0`).
    pub line: Vec<u8>,
    /// `ut_id`: the terminal suffix or inittab id.
    pub id: Vec<u8>,
    /// `ut_user`: the user name.
    pub user: Vec<u8>,
    /// `ut_host`: the remote host name or X display.
    pub host: Vec<u8>,
    /// `ut_exit.e_termination`: the signal that ended a `DEAD_PROCESS`.
    pub exit_termination: i16,
    /// `ut_exit.e_exit`: the exit status of a `DEAD_PROCESS`.
    pub exit_exit: i16,
    /// `ut_session`: the session id.
    pub session: i32,
    /// `ut_tv.tv_sec`: when the entry was made, in seconds since the Epoch.
    pub tv_sec: i32,
    /// `ut_tv.tv_usec`: the microseconds part of that time.
    pub tv_usec: i32,
    /// `ut_addr_v6`: the remote address, 16 bytes in network order (an IPv4 address is
    /// the first 4 bytes, the rest zero).
    pub addr_v6: [u8; 16],
}

/// The bytes of a fixed-size string field up to (not including) its first NUL.
fn cstr(field: &[u8]) -> Vec<u8> {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    field.get(..end).unwrap_or_default().to_vec()
}

/// `N` bytes at `off` in `rec`, or zeros when out of range (never, for a full record).
fn bytes<const N: usize>(rec: &[u8], off: usize) -> [u8; N] {
    let mut out = [0u8; N];
    if let Some(src) = off.checked_add(N).and_then(|end| rec.get(off..end)) {
        out.copy_from_slice(src);
    }
    out
}

fn field(rec: &[u8], off: usize, len: usize) -> &[u8] {
    off.checked_add(len)
        .and_then(|end| rec.get(off..end))
        .unwrap_or_default()
}

/// Parses one full record of [`RECORD_SIZE`] bytes (native byte order).
fn record(rec: &[u8]) -> UtmpRecord {
    UtmpRecord {
        ut_type: i16::from_ne_bytes(bytes(rec, 0)),
        pid: i32::from_ne_bytes(bytes(rec, 4)),
        line: cstr(field(rec, 8, 32)),
        id: cstr(field(rec, 40, 4)),
        user: cstr(field(rec, 44, 32)),
        host: cstr(field(rec, 76, 256)),
        exit_termination: i16::from_ne_bytes(bytes(rec, 332)),
        exit_exit: i16::from_ne_bytes(bytes(rec, 334)),
        session: i32::from_ne_bytes(bytes(rec, 336)),
        tv_sec: i32::from_ne_bytes(bytes(rec, 340)),
        tv_usec: i32::from_ne_bytes(bytes(rec, 344)),
        addr_v6: bytes(rec, 348),
    }
}

/// Every whole record of a utmp file, in file order, whatever its type; a trailing piece
/// shorter than [`RECORD_SIZE`] bytes is ignored. Never fails: any 384 bytes are a record.
pub fn records(data: &[u8]) -> Vec<UtmpRecord> {
    data.chunks_exact(RECORD_SIZE).map(record).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record built field by field, in native byte order.
    fn raw(ut_type: i16, pid: i32, line: &[u8], user: &[u8], host: &[u8], sec: i32) -> Vec<u8> {
        let mut r = vec![0u8; RECORD_SIZE];
        r[0..2].copy_from_slice(&ut_type.to_ne_bytes());
        r[4..8].copy_from_slice(&pid.to_ne_bytes());
        r[8..8 + line.len()].copy_from_slice(line);
        r[40..42].copy_from_slice(b"ab");
        r[44..44 + user.len()].copy_from_slice(user);
        r[76..76 + host.len()].copy_from_slice(host);
        r[332..334].copy_from_slice(&3i16.to_ne_bytes());
        r[334..336].copy_from_slice(&4i16.to_ne_bytes());
        r[336..340].copy_from_slice(&55i32.to_ne_bytes());
        r[340..344].copy_from_slice(&sec.to_ne_bytes());
        r[344..348].copy_from_slice(&123_456i32.to_ne_bytes());
        r[348..352].copy_from_slice(&[10, 0, 0, 1]);
        r
    }

    #[test]
    fn fields_at_glibc_offsets() {
        let mut data = raw(
            USER_PROCESS,
            4242,
            b"pts/3",
            b"alice",
            b"10.0.0.1",
            1_700_000_000,
        );
        data.extend(raw(LOGIN_PROCESS, -1, b"tty1", b"LOGIN", b"", -5));
        let recs = records(&data);
        assert_eq!(recs.len(), 2);
        let r = &recs[0];
        assert_eq!(r.ut_type, USER_PROCESS);
        assert_eq!(r.pid, 4242);
        assert_eq!(r.line, b"pts/3");
        assert_eq!(r.id, b"ab");
        assert_eq!(r.user, b"alice");
        assert_eq!(r.host, b"10.0.0.1");
        assert_eq!((r.exit_termination, r.exit_exit, r.session), (3, 4, 55));
        assert_eq!((r.tv_sec, r.tv_usec), (1_700_000_000, 123_456));
        assert_eq!(&r.addr_v6[..4], &[10, 0, 0, 1]);
        assert_eq!(recs[1].ut_type, LOGIN_PROCESS);
        assert_eq!(recs[1].pid, -1);
        assert_eq!(recs[1].tv_sec, -5);
        assert!(recs[1].host.is_empty());
    }

    #[test]
    fn full_fields_and_truncation() {
        let mut data = raw(USER_PROCESS, 1, &[b'x'; 32], &[b'y'; 32], &[b'z'; 256], 0);
        data.extend_from_slice(&[7, 0, 0, 0, 1]); // a truncated trailing record
        let recs = records(&data);
        assert_eq!(recs.len(), 1);
        assert_eq!(recs[0].line, vec![b'x'; 32]);
        assert_eq!(recs[0].id, b"ab");
        assert_eq!(recs[0].user, vec![b'y'; 32]);
        assert_eq!(recs[0].host, vec![b'z'; 256]);
        assert!(records(b"").is_empty());
        assert!(records(&[0xff; RECORD_SIZE - 1]).is_empty());
    }

    #[test]
    fn any_bytes_are_whole_records() {
        // A quick stand-in for the fuzz target: pseudo-random inputs of many lengths.
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for len in (0..4 * RECORD_SIZE).step_by(7) {
            let data: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                })
                .collect();
            let recs = records(&data);
            assert_eq!(recs.len(), len / RECORD_SIZE);
            assert!(recs
                .iter()
                .all(|r| r.line.len() <= 32 && r.host.len() <= 256));
        }
    }
}
