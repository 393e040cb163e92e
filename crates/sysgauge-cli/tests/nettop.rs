//! `sysgauge nettop`, run as a program, while the test sends a known number of bytes over
//! a loopback TCP connection: `lo`'s rate in `--json` and `--once` at least that much over
//! the interval and no more than `/proc/net/dev` saw around the run, every interface's
//! totals between `/proc/net/dev` (and the library) read before and after, the layout of
//! psutil's nettop.py, and the live view in tmux (the `lo` section with a rate; Esc quits
//! and restores the terminal; SIGTERM, SIGHUP and SIGINT end it by that signal and
//! restore the terminal too).

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::tmux::Tmux;
use rustix::process::Signal;

/// The bytes sent in one burst.
const BURST: u64 = 16 << 20;

/// `[bytes_sent, bytes_recv, packets_sent, packets_recv]` of every interface, from
/// `/proc/net/dev`.
fn proc_net_dev() -> BTreeMap<String, [u64; 4]> {
    let text = std::fs::read_to_string("/proc/net/dev").expect("/proc/net/dev");
    text.lines()
        .skip(2)
        .filter_map(|l| {
            let (name, rest) = l.split_once(':')?;
            let f: Vec<u64> = rest
                .split_whitespace()
                .map(|v| v.parse().unwrap())
                .collect();
            Some((name.trim().to_string(), [f[8], f[0], f[9], f[1]]))
        })
        .collect()
}

/// The same four counters from the library.
fn library_net() -> BTreeMap<String, [u64; 4]> {
    sysgauge::net_io_counters_pernic()
        .unwrap()
        .into_iter()
        .map(|(name, n)| {
            (
                name,
                [n.bytes_sent, n.bytes_recv, n.packets_sent, n.packets_recv],
            )
        })
        .collect()
}

/// A loopback TCP connection whose receiving end is drained by a thread.
struct Pair {
    tx: TcpStream,
    rx: Option<std::thread::JoinHandle<u64>>,
}

impl Pair {
    fn new() -> Pair {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().unwrap();
        let rx = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().expect("accept");
            let mut buf = vec![0u8; 1 << 16];
            let mut total = 0u64;
            while let Ok(n) = s.read(&mut buf) {
                if n == 0 {
                    break;
                }
                total += n as u64;
            }
            total
        });
        let tx = TcpStream::connect(addr).expect("connect");
        Pair { tx, rx: Some(rx) }
    }

    /// Sends `n` bytes.
    fn send(&mut self, n: u64) {
        let chunk = vec![0x5au8; 1 << 16];
        let mut left = n;
        while left > 0 {
            let k = left.min(chunk.len() as u64) as usize;
            self.tx.write_all(&chunk[..k]).expect("send");
            left -= k as u64;
        }
        self.tx.flush().unwrap();
    }

    /// Closes the connection; the number of bytes the other end received.
    fn finish(mut self) -> u64 {
        let _ = self.tx.shutdown(std::net::Shutdown::Write);
        self.rx.take().unwrap().join().unwrap()
    }
}

/// What the test saw around one run.
struct Around {
    out: String,
    proc0: BTreeMap<String, [u64; 4]>,
    proc1: BTreeMap<String, [u64; 4]>,
    lib0: BTreeMap<String, [u64; 4]>,
    lib1: BTreeMap<String, [u64; 4]>,
}

/// Runs `sysgauge args` (`--interval 3`) and sends [`BURST`] bytes over loopback one second
/// after it started, between reads of `/proc/net/dev` and of the library.
fn around(args: &[&str]) -> Around {
    let mut pair = Pair::new();
    let lib0 = library_net();
    let proc0 = proc_net_dev();
    let child = common::sysgauge_cmd(args)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("sysgauge runs");
    std::thread::sleep(Duration::from_secs(1));
    pair.send(BURST);
    let out = child.wait_with_output().expect("sysgauge ends");
    let proc1 = proc_net_dev();
    let lib1 = library_net();
    assert_eq!(pair.finish(), BURST);
    assert!(out.status.success(), "{args:?} failed");
    Around {
        out: String::from_utf8(out.stdout).unwrap(),
        proc0,
        proc1,
        lib0,
        lib1,
    }
}

const FIELDS: [&str; 4] = ["bytes_sent", "bytes_recv", "packets_sent", "packets_recv"];

#[test]
fn json_rates_and_totals() {
    common::retry("nettop --json", || {
        let a = around(&["nettop", "--json", "--interval", "3"]);
        let v: serde_json::Value = serde_json::from_str(&a.out).map_err(|e| e.to_string())?;
        let interval = v["interval"].as_f64().unwrap();
        assert!((2.9..10.0).contains(&interval), "interval {interval}");
        let pernic = v["pernic"].as_object().unwrap();
        // Every interface listed before and after is there; its totals lie between.
        let mut sums = [0u64; 4];
        for (name, before) in &a.proc0 {
            let Some(after) = a.proc1.get(name) else {
                continue;
            };
            let nic = pernic.get(name).ok_or_else(|| format!("{name} missing"))?;
            let keys: Vec<&String> = nic["total"].as_object().unwrap().keys().collect();
            let mut sorted = FIELDS.to_vec();
            sorted.sort();
            assert_eq!(keys, sorted, "{name}");
            for (i, field) in FIELDS.iter().enumerate() {
                let total = nic["total"][field].as_u64().unwrap();
                sums[i] += total;
                let rate = nic["per_sec"][field].as_u64().unwrap() as f64;
                common::bracketed(
                    &format!("{name} {field} vs /proc/net/dev"),
                    before[i] as i128,
                    total as i128,
                    after[i] as i128,
                    0,
                )?;
                common::bracketed(
                    &format!("{name} {field} vs the library"),
                    a.lib0[name][i] as i128,
                    total as i128,
                    a.lib1[name][i] as i128,
                    0,
                )?;
                // The growth over the interval: no more than around the run.
                if rate * interval > (after[i] - before[i]) as f64 + interval {
                    return Err(format!(
                        "{name} {field}: {rate}/s over {interval} s, {} around the run",
                        after[i] - before[i]
                    ));
                }
            }
        }
        if a.proc0.keys().eq(a.proc1.keys()) {
            for (i, field) in FIELDS.iter().enumerate() {
                assert_eq!(v["all"]["total"][field], sums[i], "all {field}");
            }
        }
        // lo carried the burst within the interval, both ways.
        let lo = &pernic.get("lo").ok_or("no lo")?["per_sec"];
        for field in ["bytes_sent", "bytes_recv"] {
            let moved = lo[field].as_u64().unwrap() as f64 * interval;
            if moved + interval < BURST as f64 {
                return Err(format!(
                    "lo {field}: {moved} bytes in the interval, {BURST} sent"
                ));
            }
        }
        Ok(())
    });
}

/// A `bytes2human` value ("20.1M") as (value, unit in bytes).
fn parse_human(s: &str) -> Option<(f64, f64)> {
    let (num, unit) = s.split_at(s.len().checked_sub(1)?);
    let scale: u64 = match unit {
        "B" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        "T" => 1 << 40,
        "P" => 1 << 50,
        _ => return None,
    };
    Some((num.parse::<f64>().ok()?, scale as f64))
}

/// `Ok` when the `bytes2human` text `shown` can be a value between `lo` and `hi` bytes.
fn human_between(what: &str, shown: &str, lo: u64, hi: u64) -> Result<(), String> {
    let (v, unit) = parse_human(shown).ok_or_else(|| format!("{what}: {shown:?}"))?;
    let (min, max) = ((v - 0.051) * unit, (v + 0.051) * unit);
    if max < lo as f64 || min > hi as f64 {
        return Err(format!("{what}: {shown} is not within [{lo}, {hi}]"));
    }
    Ok(())
}

/// nettop.py's interface line: label, total, rate.
fn columns(label: &str, total: &str, rate: &str) -> String {
    format!("{label:<15} {total:>15} {rate:>15}")
}

#[test]
fn once_prints_nettop_py_layout() {
    common::retry("nettop --once", || {
        let a = around(&["nettop", "--once", "--interval", "3"]);
        let lines: Vec<&str> = a.out.lines().collect();
        let both: Vec<&String> = a
            .proc0
            .keys()
            .filter(|n| a.proc1.contains_key(*n))
            .collect();
        let sum = |m: &BTreeMap<String, [u64; 4]>, i: usize| -> u64 {
            both.iter().map(|n| m[*n][i]).sum()
        };
        // "total bytes:           sent: {:<10}   received: {}"
        let first = lines[0];
        let sent = first
            .strip_prefix("total bytes:           sent: ")
            .ok_or_else(|| format!("{first:?}"))?;
        let (sent, recv) = sent
            .split_once("   received: ")
            .ok_or_else(|| format!("{first:?}"))?;
        assert_eq!(sent.len(), 10, "{first:?}");
        human_between(
            "total sent",
            sent.trim(),
            sum(&a.proc0, 0),
            sum(&a.proc1, 0),
        )?;
        human_between("total received", recv, sum(&a.proc0, 1), sum(&a.proc1, 1))?;
        assert_eq!(lines[1], "");
        // Then 6 lines per interface.
        let blocks: Vec<&[&str]> = lines[2..].chunks(6).collect();
        let mut names = Vec::new();
        for b in &blocks {
            assert_eq!(b.len(), 6, "{b:?}");
            let name = b[0].split_whitespace().next().unwrap();
            assert_eq!(b[0], columns(name, "TOTAL", "PER-SEC"));
            for (row, label) in
                b[1..5]
                    .iter()
                    .zip(["bytes-sent", "bytes-recv", "pkts-sent", "pkts-recv"])
            {
                assert!(row.starts_with(&format!("{label:<15} ")), "{row:?}");
                assert_eq!(row.len(), 47, "{row:?}");
            }
            assert_eq!(b[5], "");
            names.push(name.to_string());
        }
        let mut sorted = names.clone();
        sorted.sort();
        let mut want: Vec<String> = both.iter().map(|n| n.to_string()).collect();
        want.sort();
        assert_eq!(sorted, want, "the interfaces");
        // The most traffic first: each one's sum of counters (taken between the test's two
        // reads) is at least the next one's.
        let total = |m: &BTreeMap<String, [u64; 4]>, n: &str| -> u64 { m[n].iter().sum() };
        for w in names.windows(2) {
            let (x, y) = (&w[0], &w[1]);
            if total(&a.proc1, x) < total(&a.proc0, y) {
                return Err(format!("{x} is listed before {y}"));
            }
        }
        // lo: its totals and its rate (the burst over the 3 s interval).
        let lo = blocks
            .iter()
            .find(|b| b[0].starts_with("lo "))
            .ok_or("no lo block")?;
        let cell = |row: &str, k: usize| row[16 * k..16 * k + 15].trim().to_string();
        human_between(
            "lo bytes-sent",
            &cell(lo[1], 1),
            a.proc0["lo"][0],
            a.proc1["lo"][0],
        )?;
        let pkts: u64 = cell(lo[3], 1).parse().unwrap();
        common::bracketed(
            "lo pkts-sent",
            a.proc0["lo"][2] as i128,
            pkts as i128,
            a.proc1["lo"][2] as i128,
            0,
        )?;
        let rate = cell(lo[1], 2);
        let rate = rate.strip_suffix("/s").ok_or_else(|| format!("{rate:?}"))?;
        let (v, unit) = parse_human(rate).unwrap();
        let grown = a.proc1["lo"][0] - a.proc0["lo"][0];
        // At least the burst over ~3 s; no more than all lo carried around the run over
        // the interval (3 s at least).
        if (v + 0.051) * unit * 3.2 < BURST as f64 || (v - 0.051) * unit * 3.0 > grown as f64 {
            return Err(format!(
                "lo rate {rate}/s: burst {BURST}, {grown} around the run"
            ));
        }
        Ok(())
    });
}

#[test]
fn without_a_terminal_one_frame_is_printed() {
    let out = common::sysgauge_out(&["nettop", "--interval", "0.2"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("total bytes:           sent: "), "{text}");
    assert!(
        text.contains(&format!("\n{}\n", columns("lo", "TOTAL", "PER-SEC"))),
        "{text}"
    );
    assert!(!text.contains('\x1b'));
}

/// The live view in a terminal while loopback carries traffic: the total line, `lo`'s
/// section with its header in reverse video and a rate; Esc quits and restores the
/// terminal.
#[test]
fn live_view_in_tmux() {
    let stop = Arc::new(AtomicBool::new(false));
    let sender = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut pair = Pair::new();
            while !stop.load(Ordering::Relaxed) {
                pair.send(256 << 10);
                std::thread::sleep(Duration::from_millis(50));
            }
            pair.finish()
        })
    };
    let bin = env!("CARGO_BIN_EXE_sysgauge");
    let tmux = Tmux::start("nettop", &format!("'{bin}' nettop --interval 0.5"));
    let header = columns("lo", "TOTAL", "PER-SEC");
    let screen = tmux.wait_screen("lo's section with a rate", |s| {
        let lines: Vec<&str> = s.lines().collect();
        lines
            .first()
            .is_some_and(|l| l.starts_with("total bytes:           sent: "))
            && lines.iter().enumerate().any(|(i, l)| {
                l.trim_end() == header
                    && lines.get(i + 1).is_some_and(|r| {
                        r.starts_with("bytes-sent ") && !r.trim_end().ends_with(" 0.0B/s")
                    })
            })
    });
    let at = screen.lines().position(|l| l.trim_end() == header).unwrap();
    let colored = tmux.screen(true);
    let line = colored.lines().nth(at).unwrap();
    assert!(line.contains("\x1b[7m"), "{line:?}");
    tmux.quit_with("Escape");
    stop.store(true, Ordering::Relaxed);
    assert!(sender.join().unwrap() > 0);
}

/// SIGTERM, SIGHUP and SIGINT sent to the live view end it by that signal (the shell sees
/// 128 + the signal), with the terminal restored: cooked mode, echo, the main screen, the
/// cursor shown.
#[test]
fn signals_restore_the_terminal() {
    let bin = env!("CARGO_BIN_EXE_sysgauge");
    for signal in [Signal::TERM, Signal::HUP, Signal::INT] {
        let tmux = Tmux::start(
            &format!("nettop-sig{}", signal.as_raw()),
            &format!("'{bin}' nettop --interval 0.5"),
        );
        let header = columns("lo", "TOTAL", "PER-SEC");
        tmux.wait_screen("the view", |s| s.lines().any(|l| l.trim_end() == header));
        tmux.kill_with(signal);
    }
}
