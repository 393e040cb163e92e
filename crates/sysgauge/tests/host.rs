//! Live and fixture tests of the host calls (`boot_time`, `users`), the utmp parser,
//! `bytes2human` and the constants, against /proc read directly, `uptime -s`, `who`,
//! `utmpdump`, Python's `struct` and psutil 7.2.2.

mod common;

use std::net::{Ipv4Addr, Ipv6Addr};
use std::process::Command;

use serde_json::{json, Value};
use sysgauge::platform::linux::parse::utmp::{self, UtmpRecord, RECORD_SIZE};

// --- boot_time ---------------------------------------------------------------------------

/// `btime` of /proc/stat, read with the simplest code.
fn proc_btime() -> f64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap();
    let line = stat.lines().find(|l| l.starts_with("btime")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number: the inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

#[test]
fn civil_dates_round_trip() {
    assert_eq!(days_from_civil(1970, 1, 1), 0);
    assert_eq!(days_from_civil(2023, 11, 14), 19_675);
    for z in [-800_000, -1, 0, 59, 19_675, 2_000_000] {
        let (y, m, d) = civil_from_days(z);
        assert_eq!(days_from_civil(y, m, d), z);
    }
}

#[test]
fn boot_time_matches_proc_stat() {
    // The kernel recomputes btime from the wall clock on every read of /proc/stat, so two
    // reads can differ by one second when the clock is slewed between them.
    let ours = sysgauge::boot_time().unwrap();
    assert_eq!(ours.fract(), 0.0);
    common::assert_close("boot_time vs /proc/stat btime", ours, proc_btime(), 1.0);
}

#[test]
fn boot_time_matches_psutil() {
    // Same file, same formula; 1 s for the recomputation described above.
    let p = common::psutil("out = psutil.boot_time()").as_f64().unwrap();
    common::assert_close(
        "boot_time vs psutil",
        sysgauge::boot_time().unwrap(),
        p,
        1.0,
    );
}

#[test]
fn boot_time_matches_uptime_s() {
    // `uptime -s` prints now minus /proc/uptime, in local time, to the second; with TZ=UTC
    // it is UTC. Both it and btime are truncated to whole seconds from slightly different
    // instants: they may differ by up to 2 s.
    let o = Command::new("uptime")
        .arg("-s")
        .env("TZ", "UTC")
        .output()
        .unwrap();
    assert!(o.status.success());
    let s = String::from_utf8(o.stdout).unwrap();
    let (date, time) = s.trim().split_once(' ').unwrap();
    let d: Vec<i64> = date.split('-').map(|x| x.parse().unwrap()).collect();
    let t: Vec<i64> = time.split(':').map(|x| x.parse().unwrap()).collect();
    let epoch = days_from_civil(d[0], d[1], d[2]) * 86_400 + t[0] * 3600 + t[1] * 60 + t[2];
    common::assert_close(
        "boot_time vs uptime -s",
        sysgauge::boot_time().unwrap(),
        epoch as f64,
        2.0,
    );
}

// --- users -------------------------------------------------------------------------------

#[test]
fn users_match_psutil_live() {
    // psutil reads the system's utmp through glibc; compare only when sysgauge reads the
    // same file (SYSGAUGE_UTMP_PATH unset).
    if std::env::var_os(sysgauge::roots::UTMP_ENV).is_some_and(|v| !v.is_empty()) {
        return;
    }
    let ours = serde_json::to_value(sysgauge::users().unwrap()).unwrap();
    let theirs = common::psutil("out = psutil.users()");
    assert_eq!(ours, theirs);
}

#[test]
fn users_match_who_live() {
    if std::env::var_os(sysgauge::roots::UTMP_ENV).is_some_and(|v| !v.is_empty()) {
        return;
    }
    // `who` lists the USER_PROCESS records: "NAME LINE DATE TIME (HOST)".
    let who = common::run("who", &[]);
    let theirs: Vec<(String, String)> = who
        .lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            Some((w.next()?.to_string(), w.next()?.to_string()))
        })
        .collect();
    let ours: Vec<(String, String)> = sysgauge::users()
        .unwrap()
        .into_iter()
        .map(|u| (u.name, u.terminal.unwrap_or_default()))
        .collect();
    assert_eq!(ours, theirs);
}

// --- the utmp parser against Python's struct and utmpdump -------------------------------

struct Rec<'a> {
    ut_type: i16,
    pid: i32,
    line: &'a [u8],
    id: &'a [u8],
    user: &'a [u8],
    host: &'a [u8],
    exit: (i16, i16),
    session: i32,
    tv: (i32, i32),
    addr: [u8; 16],
}

/// One glibc `struct utmp`, native byte order.
fn encode(r: &Rec) -> Vec<u8> {
    let mut b = vec![0u8; RECORD_SIZE];
    b[0..2].copy_from_slice(&r.ut_type.to_ne_bytes());
    b[4..8].copy_from_slice(&r.pid.to_ne_bytes());
    b[8..8 + r.line.len()].copy_from_slice(r.line);
    b[40..40 + r.id.len()].copy_from_slice(r.id);
    b[44..44 + r.user.len()].copy_from_slice(r.user);
    b[76..76 + r.host.len()].copy_from_slice(r.host);
    b[332..334].copy_from_slice(&r.exit.0.to_ne_bytes());
    b[334..336].copy_from_slice(&r.exit.1.to_ne_bytes());
    b[336..340].copy_from_slice(&r.session.to_ne_bytes());
    b[340..344].copy_from_slice(&r.tv.0.to_ne_bytes());
    b[344..348].copy_from_slice(&r.tv.1.to_ne_bytes());
    b[348..364].copy_from_slice(&r.addr);
    b
}

fn v4(a: [u8; 4]) -> [u8; 16] {
    let mut out = [0u8; 16];
    out[..4].copy_from_slice(&a);
    out
}

/// A utmp file: records of every kind the parser must tell apart, and a truncated tail.
fn sample_file() -> Vec<u8> {
    let v6: Ipv6Addr = "2001:db8::42".parse().unwrap();
    let recs = [
        Rec {
            ut_type: utmp::BOOT_TIME,
            pid: 0,
            line: b"~",
            id: b"~~",
            user: b"reboot",
            host: b"6.1.0-13-amd64",
            exit: (0, 0),
            session: 0,
            tv: (1_700_000_000, 123_456),
            addr: [0; 16],
        },
        Rec {
            ut_type: utmp::LOGIN_PROCESS,
            pid: 700,
            line: b"tty1",
            id: b"tty1",
            user: b"LOGIN",
            host: b"",
            exit: (0, 0),
            session: 700,
            tv: (1_700_000_010, 0),
            addr: [0; 16],
        },
        Rec {
            ut_type: utmp::USER_PROCESS,
            pid: 4321,
            line: b"pts/0",
            id: b"ts/0",
            user: b"alice",
            host: b"192.0.2.7",
            exit: (0, 0),
            session: 4321,
            tv: (1_700_000_020, 999_999),
            addr: v4([192, 0, 2, 7]),
        },
        Rec {
            ut_type: utmp::USER_PROCESS,
            pid: 4400,
            line: b"tty2",
            id: b"tty2",
            user: b"bob",
            host: b"",
            exit: (0, 0),
            session: 4400,
            tv: (1_700_000_030, 1),
            addr: [0; 16],
        },
        Rec {
            ut_type: utmp::USER_PROCESS,
            pid: 4500,
            line: b"pts/1",
            id: b"ts/1",
            user: b"carol",
            host: b"2001:db8::42",
            exit: (0, 0),
            session: 4500,
            tv: (1_700_000_040, 0),
            addr: v6.octets(),
        },
        Rec {
            ut_type: utmp::DEAD_PROCESS,
            pid: 4600,
            line: b"pts/2",
            id: b"ts/2",
            user: b"",
            host: b"",
            exit: (9, 1),
            session: 0,
            tv: (1_700_000_050, 0),
            addr: [0; 16],
        },
        Rec {
            ut_type: utmp::USER_PROCESS,
            pid: 4700,
            line: &[b'L'; 32],
            id: b"abcd",
            user: &[b'U'; 32],
            host: b"\xe9t\xe9.example",
            exit: (0, 0),
            session: 4700,
            tv: (1_700_000_060, 0),
            addr: [0; 16],
        },
    ];
    let mut data: Vec<u8> = recs.iter().flat_map(encode).collect();
    data.extend_from_slice(&encode(&recs[2])[..RECORD_SIZE / 2]);
    data
}

fn record_json(r: &UtmpRecord) -> Value {
    json!([
        r.ut_type,
        r.pid,
        r.line,
        r.id,
        r.user,
        r.host,
        r.exit_termination,
        r.exit_exit,
        r.session,
        r.tv_sec,
        r.tv_usec,
        r.addr_v6.to_vec()
    ])
}

#[test]
fn utmp_parser_matches_python_struct() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("utmp");
    let data = sample_file();
    std::fs::write(&path, &data).unwrap();
    let ours: Vec<Value> = utmp::records(&data).iter().map(record_json).collect();
    assert_eq!(ours.len(), 7);
    // Python's struct with glibc's layout in native order ("=", no alignment padding
    // other than the explicit "xx" after ut_type).
    let code = format!(
        r#"
import struct
fmt = "=hxxi32s4s32s256shhiii16s20x"
assert struct.calcsize(fmt) == 384
data = open({path:?}, "rb").read()
cut = lambda b: list(b.split(b"\0", 1)[0])
out = []
for off in range(0, len(data) - 383, 384):
    t, pid, line, uid, user, host, et, ee, sess, sec, usec, addr = struct.unpack_from(fmt, data, off)
    out.append([t, pid, cut(line), cut(uid), cut(user), cut(host), et, ee, sess, sec, usec, list(addr)])
"#,
        path = path.to_str().unwrap()
    );
    let theirs = common::psutil(&code);
    assert_eq!(Value::from(ours), theirs);
}

/// What `utmpdump` prints for a string field: non-printable bytes become `?`.
fn cleanse(b: &[u8]) -> String {
    b.iter()
        .map(|&c| {
            if (0x20..0x7f).contains(&c) {
                c as char
            } else {
                '?'
            }
        })
        .collect()
}

#[test]
fn utmp_parser_matches_utmpdump() {
    if Command::new("utmpdump").arg("--version").output().is_err() {
        eprintln!("utmpdump not installed: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("utmp");
    let data = sample_file();
    std::fs::write(&path, &data).unwrap();
    let o = Command::new("utmpdump")
        .arg(&path)
        .env("TZ", "UTC")
        .output()
        .unwrap();
    assert!(o.status.success());
    // "[type] [pid] [id] [user] [line] [host] [addr] [time]", strings left-aligned and
    // space-padded.
    let dump: Vec<Vec<String>> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| {
            l.trim_start_matches('[')
                .trim_end_matches(']')
                .split("] [")
                .map(|f| f.trim_end().to_string())
                .collect()
        })
        .collect();
    let recs = utmp::records(&data);
    assert_eq!(dump.len(), recs.len());
    for (r, d) in recs.iter().zip(&dump) {
        let addr = if r.addr_v6[4..].iter().all(|&b| b == 0) {
            Ipv4Addr::from([r.addr_v6[0], r.addr_v6[1], r.addr_v6[2], r.addr_v6[3]]).to_string()
        } else {
            Ipv6Addr::from(r.addr_v6).to_string()
        };
        let secs = i64::from(r.tv_sec);
        let (y, mo, da) = civil_from_days(secs.div_euclid(86_400));
        let s = secs.rem_euclid(86_400);
        let time = format!(
            "{y:04}-{mo:02}-{da:02}T{:02}:{:02}:{:02},{:06}+00:00",
            s / 3600,
            s / 60 % 60,
            s % 60,
            r.tv_usec
        );
        let want = vec![
            r.ut_type.to_string(),
            format!("{:05}", r.pid),
            cleanse(&r.id),
            cleanse(&r.user),
            cleanse(&r.line),
            cleanse(&r.host),
            addr,
            time,
        ];
        assert_eq!(&want, d);
    }
}

// --- bytes2human ---------------------------------------------------------------------------

#[test]
fn bytes2human_matches_psutil() {
    let mut values: Vec<u64> = vec![
        0,
        1,
        512,
        1023,
        1024,
        1025,
        1280,
        1536,
        10_000,
        100_001_221,
        1024 * 1024 - 1,
        1024 * 1024,
        1 << 30,
        (1 << 40) + (1 << 38),
        1 << 50,
        1 << 60,
        (1 << 60) - 1,
        u64::MAX,
        u64::MAX - 1,
    ];
    // Pseudo-random values of every magnitude (xorshift64, fixed seed).
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..2000u32 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        values.push(x >> (i % 64));
    }
    let ours: Vec<String> = values.iter().map(|&v| sysgauge::bytes2human(v)).collect();
    let code = format!(
        "from psutil._common import bytes2human\nout = [bytes2human(v) for v in {}]",
        serde_json::to_string(&values).unwrap()
    );
    let theirs: Vec<String> = serde_json::from_value(common::psutil(&code)).unwrap();
    assert_eq!(ours, theirs);
}

// --- constants -----------------------------------------------------------------------------

#[test]
fn constants_match_psutil() {
    macro_rules! consts {
        ($($n:ident),* $(,)?) => { vec![$((stringify!($n), json!(sysgauge::$n))),*] };
    }
    let mut pairs: Vec<(&str, Value)> = consts![
        LINUX,
        POSIX,
        WINDOWS,
        MACOS,
        OSX,
        FREEBSD,
        OPENBSD,
        NETBSD,
        BSD,
        SUNOS,
        AIX,
        STATUS_RUNNING,
        STATUS_SLEEPING,
        STATUS_DISK_SLEEP,
        STATUS_STOPPED,
        STATUS_TRACING_STOP,
        STATUS_ZOMBIE,
        STATUS_DEAD,
        STATUS_WAKE_KILL,
        STATUS_WAKING,
        STATUS_IDLE,
        STATUS_LOCKED,
        STATUS_WAITING,
        STATUS_SUSPENDED,
        STATUS_PARKED,
        CONN_ESTABLISHED,
        CONN_SYN_SENT,
        CONN_SYN_RECV,
        CONN_FIN_WAIT1,
        CONN_FIN_WAIT2,
        CONN_TIME_WAIT,
        CONN_CLOSE,
        CONN_CLOSE_WAIT,
        CONN_LAST_ACK,
        CONN_LISTEN,
        CONN_CLOSING,
        CONN_NONE,
        IOPRIO_CLASS_NONE,
        IOPRIO_CLASS_RT,
        IOPRIO_CLASS_BE,
        IOPRIO_CLASS_IDLE,
        RLIM_INFINITY,
        RLIMIT_AS,
        RLIMIT_CORE,
        RLIMIT_CPU,
        RLIMIT_DATA,
        RLIMIT_FSIZE,
        RLIMIT_LOCKS,
        RLIMIT_MEMLOCK,
        RLIMIT_MSGQUEUE,
        RLIMIT_NICE,
        RLIMIT_NOFILE,
        RLIMIT_NPROC,
        RLIMIT_RSS,
        RLIMIT_RTPRIO,
        RLIMIT_RTTIME,
        RLIMIT_SIGPENDING,
        RLIMIT_STACK,
        AF_LINK,
    ];
    let (major, minor, micro) = sysgauge::PSUTIL_COMPAT_VERSION_INFO;
    pairs.push(("__version__", json!(sysgauge::PSUTIL_COMPAT_VERSION)));
    pairs.push(("version_info", json!([major, minor, micro])));
    let ours: serde_json::Map<String, Value> =
        pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    let ours = Value::Object(ours);
    let names: Vec<&String> = ours.as_object().unwrap().keys().collect();
    let code = format!(
        r#"
from psutil import _common
names = {}
# STATUS_WAKE_KILL and STATUS_SUSPENDED live in psutil._common only.
src = lambda n: getattr(psutil, n) if hasattr(psutil, n) else getattr(_common, n)
conv = lambda v: list(v) if isinstance(v, tuple) else (v if isinstance(v, (bool, str)) else int(v))
out = {{n: conv(src(n)) for n in names}}
"#,
        serde_json::to_string(&names).unwrap()
    );
    assert_eq!(ours, common::psutil(&code));
    assert_eq!(sysgauge::VERSION, env!("CARGO_PKG_VERSION"));
}
