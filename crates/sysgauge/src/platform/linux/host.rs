//! The Linux backend of [`crate::host`]: `btime` from `/proc/stat`, users from the utmp file.

use crate::error::Result;
use crate::host::User;
use crate::platform::linux::fs;
use crate::platform::linux::parse::{proc_stat, utmp};
use crate::platform::linux::sys::clock;
use crate::roots::Roots;

/// Boot time in seconds since the Epoch, the value of `btime` in `<procfs>/stat` (psutil
/// 7.2.2 reads that line on every call, no cache).
///
/// On the live system it is computed as the kernel computes `btime` (see
/// [`sys::clock`](crate::platform::linux::sys::clock)), in about 0.1 µs instead of the
/// ~11 µs the kernel spends formatting `/proc/stat`; under other roots (a fixture, a host's
/// `/proc` seen from a container) the file is read.
pub(crate) fn boot_time(roots: &Roots) -> Result<f64> {
    if roots.is_live() {
        let secs = clock::boot_time_ns().div_euclid(1_000_000_000);
        // Whole seconds since 1970 are exact in an f64 for 285 million years.
        return Ok(secs as f64);
    }
    boot_time_from_file(roots)
}

/// `btime` read from `<procfs>/stat`.
pub(crate) fn boot_time_from_file(roots: &Roots) -> Result<f64> {
    let secs = fs::with_file(&roots.proc("stat"), proc_stat::btime)?;
    Ok(secs as f64)
}

/// The logged-in users of the utmp file at `roots.utmp()`; a missing file is no users.
pub(crate) fn users(roots: &Roots) -> Result<Vec<User>> {
    let path = roots.utmp();
    let Some(data) = fs::read_opt(path)? else {
        return Ok(Vec::new());
    };
    Ok(users_from_records(&utmp::records(&data)))
}

/// psutil's rules over the raw records: only `USER_PROCESS` records; names decoded (lossy
/// UTF-8); an empty tty is `None`; an empty host, `":0"` or `":0.0"` is `"localhost"`;
/// `started` is `tv_sec` alone.
pub(crate) fn users_from_records(records: &[utmp::UtmpRecord]) -> Vec<User> {
    records
        .iter()
        .filter(|r| r.ut_type == utmp::USER_PROCESS)
        .map(|r| {
            let host = match r.host.as_slice() {
                b"" | b":0" | b":0.0" => "localhost".to_string(),
                h => String::from_utf8_lossy(h).into_owned(),
            };
            User {
                name: String::from_utf8_lossy(&r.user).into_owned(),
                terminal: (!r.line.is_empty())
                    .then(|| String::from_utf8_lossy(&r.line).into_owned()),
                host: Some(host),
                started: f64::from(r.tv_sec),
                pid: r.pid,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The clock computation gives exactly the kernel's `btime`: compared 200 times with
    /// `/proc/stat` read between two computations (a clock step could move both; then the
    /// file must equal one of the two).
    #[test]
    fn live_boot_time_equals_proc_stat_btime() {
        let live = Roots::default();
        for _ in 0..200 {
            let a = boot_time(&live).unwrap();
            let file = boot_time_from_file(&live).unwrap();
            let b = boot_time(&live).unwrap();
            assert!(file == a || file == b, "btime {file}, clocks {a} and {b}");
        }
    }
    use crate::testing::fixture;
    use std::path::Path;

    /// psutil.users() with glibc pointed at `path` through `utmpxname(3)` (psutil's C code
    /// calls `getutxent` in the same process, so it reads that file). Lone surrogates of
    /// undecodable bytes are turned into U+FFFD, as `String::from_utf8_lossy` does.
    fn psutil_users_of(path: &Path) -> Vec<User> {
        let code = format!(
            r#"
assert ctypes.CDLL(None).utmpxname({path:?}.encode()) == 0
fix = lambda s: s if s is None else s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
print(json.dumps([[fix(u.name), fix(u.terminal), fix(u.host), u.started, u.pid] for u in psutil.users()]))
"#,
            path = path.to_str().unwrap()
        );
        let v = crate::testing::psutil_script(&code);
        v.as_array()
            .unwrap()
            .iter()
            .map(|u| User {
                name: u[0].as_str().unwrap().to_string(),
                terminal: u[1].as_str().map(str::to_string),
                host: u[2].as_str().map(str::to_string),
                started: u[3].as_f64().unwrap(),
                pid: i32::try_from(u[4].as_i64().unwrap()).unwrap(),
            })
            .collect()
    }

    fn user(name: &str, term: Option<&str>, host: &str, started: f64, pid: i32) -> User {
        User {
            name: name.into(),
            terminal: term.map(Into::into),
            host: Some(host.into()),
            started,
            pid,
        }
    }

    /// A native-order glibc record.
    fn rec(ut_type: i16, pid: i32, line: &[u8], user: &[u8], host: &[u8], sec: i32) -> Vec<u8> {
        let mut r = vec![0u8; utmp::RECORD_SIZE];
        r[0..2].copy_from_slice(&ut_type.to_ne_bytes());
        r[4..8].copy_from_slice(&pid.to_ne_bytes());
        r[8..8 + line.len()].copy_from_slice(line);
        r[44..44 + user.len()].copy_from_slice(user);
        r[76..76 + host.len()].copy_from_slice(host);
        r[340..344].copy_from_slice(&sec.to_ne_bytes());
        r[344..348].copy_from_slice(&999_999i32.to_ne_bytes());
        r
    }

    #[test]
    fn boot_time_fixture_matches_psutil() {
        let root = fixture("host-btime");
        let roots = Roots::new(root.join("proc"), root.join("sys"));
        assert_eq!(boot_time(&roots).unwrap(), 1_712_345_678.0);
        let p = crate::testing::psutil_script(&format!(
            "psutil.PROCFS_PATH = {:?}\nprint(json.dumps(psutil.boot_time()))",
            root.join("proc").to_str().unwrap()
        ));
        assert_eq!(p.as_f64().unwrap(), 1_712_345_678.0);
    }

    #[test]
    fn boot_time_without_btime_is_a_parse_error() {
        let root = fixture("host-btime-missing");
        let roots = Roots::new(root.join("proc"), root.join("sys"));
        let e = boot_time(&roots).unwrap_err();
        assert!(matches!(e, crate::Error::Parse { .. }), "{e:?}");
        let missing = Roots::new(root.join("nonexistent"), root.join("sys"));
        assert!(boot_time(&missing).unwrap_err().is_not_found());
    }

    #[test]
    fn committed_utmp_fixture_exact_and_psutil() {
        let path = fixture("host-utmp").join("utmp");
        let roots = Roots::default().with_utmp(&path);
        let got = users(&roots).unwrap();
        let want = vec![
            user(
                "alice",
                Some("pts/0"),
                "192.168.1.10",
                1_700_000_000.0,
                1234,
            ),
            user("bob", Some("tty2"), "localhost", 1_700_000_100.0, 1300),
            user("carol", Some(":0"), "localhost", 1_700_000_200.0, 1400),
            user("dave", Some("pts/1"), "2001:db8::1", 1_700_000_300.0, 1500),
            user("émile", Some("pts/2"), "example.org", 1_700_000_400.0, 1600),
            user(
                "x\u{fffd}z",
                Some("pts/3"),
                "h\u{fffd}st",
                1_700_000_500.0,
                1700,
            ),
            user("frank", None, "localhost", 1_700_000_600.0, 1800),
        ];
        assert_eq!(got, want);
        assert_eq!(psutil_users_of(&path), want);
    }

    #[test]
    fn runtime_utmp_matches_psutil() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("utmp");
        let mut data = Vec::new();
        data.extend(rec(
            utmp::BOOT_TIME,
            0,
            b"~",
            b"reboot",
            b"6.1.0",
            1_600_000_000,
        ));
        data.extend(rec(
            utmp::USER_PROCESS,
            10,
            b"pts/7",
            b"root",
            b"10.1.2.3",
            5,
        ));
        data.extend(rec(utmp::LOGIN_PROCESS, 11, b"tty1", b"LOGIN", b"", 6));
        data.extend(rec(utmp::DEAD_PROCESS, 12, b"pts/8", b"gone", b"x", 7));
        data.extend(rec(utmp::USER_PROCESS, -2, b"", b"", b":0", i32::MIN));
        data.extend(rec(
            utmp::USER_PROCESS,
            i32::MAX,
            b"pts/9",
            b"u",
            b":1",
            i32::MAX,
        ));
        data.extend(rec(utmp::USER_PROCESS, 13, b"tty3", b"v", b":0.0", -1));
        data.extend(rec(utmp::USER_PROCESS, 14, b"tty4", b"w", b"\x00:0", 0));
        data.extend_from_slice(&rec(utmp::USER_PROCESS, 15, b"pts/1", b"cut", b"", 9)[..200]);
        std::fs::write(&path, &data).unwrap();
        let got = users(&Roots::default().with_utmp(&path)).unwrap();
        let want = vec![
            user("root", Some("pts/7"), "10.1.2.3", 5.0, 10),
            user("", None, "localhost", -2_147_483_648.0, -2),
            user("u", Some("pts/9"), ":1", 2_147_483_647.0, i32::MAX),
            user("v", Some("tty3"), "localhost", -1.0, 13),
            user("w", Some("tty4"), "localhost", 0.0, 14),
        ];
        assert_eq!(got, want);
        assert_eq!(psutil_users_of(&path), want);
    }

    #[test]
    fn unterminated_fields_stop_at_their_array() {
        // Deviation: psutil's C code reads a field that fills its whole array on into the
        // next field (for `ut_line`, into `ut_id`); here each field ends with its array.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("utmp");
        let mut r = rec(
            utmp::USER_PROCESS,
            1,
            &[b'l'; 32],
            &[b'u'; 32],
            &[b'h'; 256],
            1,
        );
        r[40..42].copy_from_slice(b"id");
        std::fs::write(&path, &r).unwrap();
        let got = users(&Roots::default().with_utmp(&path)).unwrap();
        assert_eq!(
            got,
            vec![user(
                &"u".repeat(32),
                Some(&"l".repeat(32)),
                &"h".repeat(256),
                1.0,
                1
            )]
        );
    }

    #[test]
    fn missing_utmp_is_empty_and_other_errors_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let missing = Roots::default().with_utmp(dir.path().join("nope"));
        assert_eq!(users(&missing).unwrap(), vec![]);
        let empty = dir.path().join("empty");
        std::fs::write(&empty, b"").unwrap();
        assert_eq!(users(&Roots::default().with_utmp(&empty)).unwrap(), vec![]);
        // A directory cannot be read as a file: an I/O error, not an empty list.
        assert!(users(&Roots::default().with_utmp(dir.path())).is_err());
    }
}
