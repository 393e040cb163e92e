//! `sysgauge netstat`, run as a program, with sockets this test opens (a TCP listener and
//! a connected pair on 127.0.0.1, a UDP socket, a unix listener): its table (psutil's
//! netstat.py layout) shows them with our pid and name; its JSON matches the library,
//! `ss -tanp`/`ss -xlp` and psutil's `net_connections`; a bad `--kind` is one line on
//! stderr naming psutil's kinds.
//!
//! The tests of this file run one at a time: a process another test spawns holds our
//! sockets for an instant between its fork and its exec, and a process with a higher pid
//! holding a socket becomes its owner (psutil's rule).

mod common;

use std::net::{TcpListener, TcpStream, UdpSocket};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixListener;
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Mutex, MutexGuard};

use serde_json::{json, Value};

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

const HEADER: &str = "Proto Local address                  Remote address                 Status        PID    Program name";

/// A listener on 127.0.0.1 and a connection to it (both ends).
struct Pair {
    listener: TcpListener,
    client: TcpStream,
    server: TcpStream,
    port: u16,
    cport: u16,
}

fn pair() -> Pair {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let client = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let (server, _) = listener.accept().unwrap();
    let cport = client.local_addr().unwrap().port();
    Pair {
        listener,
        client,
        server,
        port,
        cport,
    }
}

fn me() -> i64 {
    i64::from(std::process::id())
}

/// psutil's name of this process, cut to 15 characters as netstat.py prints it: the test
/// binary's file name (`comm` holds its first 15 bytes).
fn my_name() -> String {
    let exe = std::env::current_exe().unwrap();
    let name = exe.file_name().unwrap().to_str().unwrap().to_string();
    name.chars().take(15).collect()
}

fn inet(port: u16) -> Value {
    json!(["127.0.0.1", port])
}

/// What `sysgauge netstat --json` must hold for the pair, in any order.
fn pair_json(p: &Pair) -> Vec<Value> {
    let c = |fd: i32, l: Value, r: Value, status: &str| {
        json!({"fd": fd, "family": 2, "type": 1, "laddr": l, "raddr": r,
               "status": status, "pid": me()})
    };
    vec![
        c(p.listener.as_raw_fd(), inet(p.port), json!([]), "LISTEN"),
        c(
            p.client.as_raw_fd(),
            inet(p.cport),
            inet(p.port),
            "ESTABLISHED",
        ),
        c(
            p.server.as_raw_fd(),
            inet(p.port),
            inet(p.cport),
            "ESTABLISHED",
        ),
    ]
}

/// The entries of a connection list (psutil's JSON shape) that use one of `ports` on
/// 127.0.0.1, sorted by their text.
fn ours(list: &[Value], ports: &[u16]) -> Vec<Value> {
    let mine = |a: &Value| {
        a[0] == "127.0.0.1" && a[1].as_u64().is_some_and(|p| ports.contains(&(p as u16)))
    };
    let mut v: Vec<Value> = list
        .iter()
        .filter(|c| mine(&c["laddr"]) || mine(&c["raddr"]))
        .cloned()
        .collect();
    v.sort_by_key(|c| c.to_string());
    v
}

fn sorted(mut v: Vec<Value>) -> Vec<Value> {
    v.sort_by_key(|c| c.to_string());
    v
}

fn netstat_json(kind: &str) -> Vec<Value> {
    let out = common::sysgauge(&["netstat", "--kind", kind, "--json"]);
    serde_json::from_str(&out).expect("netstat --json prints JSON")
}

/// Whether `program` can be run (CI containers may lack it); says the check is skipped
/// when not.
fn have(program: &str, why: &str) -> bool {
    let ok = Command::new(program).arg("-V").output().is_ok();
    if !ok {
        println!("skipped: {program} is not installed ({why})");
    }
    ok
}

/// The cell of a netstat.py line between byte offsets `a` and `b`, trimmed.
fn cell(line: &str, a: usize, b: usize) -> &str {
    line.get(a..b.min(line.len())).unwrap_or("").trim()
}

/// The fields of a table row: proto, local, remote, status, pid, name (the fields are
/// 5, 30, 30, 13 and 6 wide, one space apart, as long as no value is longer).
fn fields(line: &str) -> [&str; 6] {
    [
        cell(line, 0, 5),
        cell(line, 6, 36),
        cell(line, 37, 67),
        cell(line, 68, 81),
        cell(line, 82, 88),
        line.get(89..).unwrap_or(""),
    ]
}

#[test]
fn table_has_netstat_py_header_and_our_rows() {
    let _g = serial();
    let p = pair();
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    let uport = udp.local_addr().unwrap().port();
    let v6 = TcpListener::bind("[::1]:0").ok();
    let out = common::sysgauge(&["netstat"]);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some(HEADER));
    let rows: Vec<[&str; 6]> = lines.map(fields).collect();
    let pid = me().to_string();
    let name = my_name();
    let want = |proto: &str, l: String, r: String, status: &str| {
        let row = [proto, &l, &r, status, &pid, &name];
        assert!(rows.contains(&row), "no row {row:?} in\n{out}");
    };
    want("tcp", format!("127.0.0.1:{}", p.port), "-".into(), "LISTEN");
    want(
        "tcp",
        format!("127.0.0.1:{}", p.cport),
        format!("127.0.0.1:{}", p.port),
        "ESTABLISHED",
    );
    want(
        "tcp",
        format!("127.0.0.1:{}", p.port),
        format!("127.0.0.1:{}", p.cport),
        "ESTABLISHED",
    );
    want("udp", format!("127.0.0.1:{uport}"), "-".into(), "NONE");
    match &v6 {
        Some(l) => want(
            "tcp6",
            format!("::1:{}", l.local_addr().unwrap().port()),
            "-".into(),
            "LISTEN",
        ),
        None => println!("skipped: no IPv6 loopback for the tcp6 row"),
    }
    // Every row has a known proto and at least five values (a long IPv6 address may
    // push the later ones right, as in the script, so only rows that fit are checked
    // column by column).
    for l in out.lines().skip(1) {
        let f = fields(l);
        assert!(["tcp", "tcp6", "udp", "udp6"].contains(&f[0]), "{l:?}");
        assert!(l.split_whitespace().count() >= 5, "{l:?}");
        if l.split_whitespace().nth(1).is_some_and(|a| a.len() <= 30)
            && l.split_whitespace().nth(2).is_some_and(|a| a.len() <= 30)
        {
            assert!(
                f[1].contains(':') && !f[2].is_empty() && !f[3].is_empty(),
                "{l:?}"
            );
            assert!(f[4] == "-" || f[4].parse::<u32>().is_ok(), "{l:?}");
            assert!(f[5].chars().count() <= 15, "{l:?}");
        }
    }
}

#[test]
fn json_matches_library_ss_and_psutil() {
    let _g = serial();
    let p = pair();
    let ports = [p.port, p.cport];
    let want = sorted(pair_json(&p));

    let lib: Vec<Value> = sysgauge::net_connections(sysgauge::ConnectionKind::Tcp)
        .unwrap()
        .iter()
        .map(|c| serde_json::to_value(c).unwrap())
        .collect();
    assert_eq!(ours(&lib, &ports), want, "library");

    let raw = common::sysgauge(&["netstat", "--kind", "tcp", "--json"]);
    let got: Vec<Value> = serde_json::from_str(&raw).unwrap();
    assert_eq!(ours(&got, &ports), want, "netstat --json");
    // psutil's sconn fields, in its order, and nothing else.
    let keys: Vec<&str> = raw
        .lines()
        .filter_map(|l| l.strip_prefix("    \""))
        .filter_map(|l| l.split('"').next())
        .take(7)
        .collect();
    assert_eq!(
        keys,
        ["fd", "family", "type", "laddr", "raddr", "status", "pid"]
    );
    assert!(got.iter().all(|c| c.as_object().unwrap().len() == 7));
    // The default kind is inet: the same TCP sockets, plus UDP.
    assert_eq!(ours(&netstat_json("inet"), &ports), want, "inet");

    // psutil, run now, sees the same sockets the same way.
    let py = common::psutil(&format!(
        "out = [dict(fd=c.fd, family=int(c.family), type=int(c.type), laddr=list(c.laddr), \
         raddr=list(c.raddr), status=c.status, pid=c.pid) \
         for c in psutil.net_connections('tcp') if c.pid == {}]",
        me()
    ));
    assert_eq!(ours(py.as_array().unwrap(), &ports), want, "psutil");

    // ss: the listener and the client, each with our pid and fd.
    if have("ss", "ss -tanp comparison") {
        let ss = common::run("ss", &["-Htanp"]);
        let find = |local: String, peer: &str| {
            ss.lines()
                .find(|l| {
                    let f: Vec<&str> = l.split_whitespace().collect();
                    f.get(3) == Some(&local.as_str()) && f.get(4) == Some(&peer)
                })
                .unwrap_or_else(|| panic!("ss has no {local} -> {peer}:\n{ss}"))
                .to_string()
        };
        let listen = find(format!("127.0.0.1:{}", p.port), "0.0.0.0:*");
        assert!(listen.starts_with("LISTEN"), "{listen}");
        assert!(
            listen.contains(&format!("pid={},fd={}", me(), p.listener.as_raw_fd())),
            "{listen}"
        );
        let peer = format!("127.0.0.1:{}", p.port);
        let client = find(format!("127.0.0.1:{}", p.cport), &peer);
        assert!(client.starts_with("ESTAB"), "{client}");
        assert!(
            client.contains(&format!("pid={},fd={}", me(), p.client.as_raw_fd())),
            "{client}"
        );
    }
}

#[test]
fn invalid_kind_is_one_line_naming_the_valid_ones() {
    let _g = serial();
    let o = common::sysgauge_out(&["netstat", "--kind", "bogus"]);
    assert!(!o.status.success());
    assert!(o.stdout.is_empty());
    let err = String::from_utf8(o.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(err.contains("bogus"), "{err}");
    // Every kind psutil accepts is named.
    let kinds = common::psutil("out = sorted(psutil._pslinux.NetConnections().tmap)");
    let kinds: Vec<&str> = kinds
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 11);
    for k in kinds {
        assert!(err.contains(&format!("\"{k}\"")), "{k} missing from {err}");
    }
    // Each of them is accepted.
    for k in ["inet4", "udp6", "all"] {
        let o = common::sysgauge_out(&["netstat", "--kind", k, "--json"]);
        assert!(
            o.status.success(),
            "{k}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

/// A directory removed when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn unix_kind_lists_our_listener_with_its_path() {
    let _g = serial();
    let dir = TempDir(std::env::temp_dir().join(format!("sgcli-netstat-{}", me())));
    let _ = std::fs::remove_dir_all(&dir.0);
    std::fs::create_dir_all(&dir.0).unwrap();
    let path = dir.0.join("listen.sock");
    let listener = UnixListener::bind(&path).unwrap();
    let path_s = path.to_str().unwrap();

    let out = common::sysgauge(&["netstat", "--kind", "unix"]);
    assert_eq!(out.lines().next(), Some(HEADER));
    let pid = me().to_string();
    let row = out
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|f| f.get(1) == Some(&path_s))
        .unwrap_or_else(|| panic!("no row for {path_s} in\n{out}"));
    assert_eq!(row[..5], ["unix", path_s, "-", "NONE", pid.as_str()]);
    assert_eq!(row[5..].join(" "), my_name());
    // Only unix sockets with --kind unix.
    assert!(out.lines().skip(1).all(|l| l.starts_with("unix ")), "{out}");

    let want = json!({"fd": listener.as_raw_fd(), "family": 1, "type": 1, "laddr": path_s,
                      "raddr": "", "status": "NONE", "pid": me()});
    let got = netstat_json("unix");
    let mine: Vec<&Value> = got.iter().filter(|c| c["laddr"] == path_s).collect();
    assert_eq!(mine, [&want]);
    // "all" has it too.
    assert!(netstat_json("all").contains(&want));

    if have("ss", "ss -xlp comparison") {
        let ss = common::run("ss", &["-Hxlp"]);
        let line = ss
            .lines()
            .find(|l| l.split_whitespace().any(|f| f == path_s))
            .unwrap_or_else(|| panic!("ss has no {path_s}:\n{ss}"));
        assert!(
            line.contains(&format!("pid={},fd={}", me(), listener.as_raw_fd())),
            "{line}"
        );
    }
}
