//! `sysgauge nettop`: psutil's nettop.py, a live view of network traffic.
//!
//! Every `--interval` seconds (default 1) the counters of every network interface
//! (`net_io_counters(pernic=True)`) are read again and compared with the previous
//! reading. The screen shows the bytes sent and received by all interfaces since boot,
//! then, for each interface (the one with the most traffic first: the sum of all its
//! counters), its totals and its rates per second:
//!
//! ```text
//! total bytes:           sent: 1.3G         received: 3.5G
//!
//! wlan0                     TOTAL         PER-SEC
//! bytes-sent                 1.3G        12.4K/s
//! bytes-recv                 3.5G       210.7K/s
//! pkts-sent               7221782              96
//! pkts-recv               6753724             181
//!
//! lo                        TOTAL         PER-SEC
//! bytes-sent               131.8M          0.0B/s
//! bytes-recv               131.8M          0.0B/s
//! pkts-sent               1214470               0
//! pkts-recv               1214470               0
//! ```
//!
//! The layout is nettop.py's: the first line puts the sent total left-aligned in 10
//! characters; each interface's lines are a label left-aligned in 15, then the total and
//! the rate, each right-aligned in 16 (a space and 15 characters). Byte counts go through
//! `bytes2human`, rates get `/s`; packet counts are plain integers. The interface's line
//! (name, `TOTAL`, `PER-SEC`) is shown in reverse video across the screen. An interface
//! that appeared since the previous reading is shown from the next one on.
//!
//! `q`, Esc or Ctrl-C quits. When stdout is not a terminal, or with `--once`, the command
//! takes two samples `--interval` apart, prints that one frame as plain text and exits.
//! `--json` prints the same sample as JSON, with psutil's field names:
//!
//! ```text
//! {
//!   "interval": 1.000091,
//!   "all": {
//!     "total": { "bytes_sent": 1395864371, "bytes_recv": 3736621875,
//!                "packets_sent": 8436252, "packets_recv": 7968194 },
//!     "per_sec": { "bytes_sent": 12697, "bytes_recv": 215757,
//!                  "packets_sent": 96, "packets_recv": 181 }
//!   },
//!   "pernic": {
//!     "lo": { "total": { ... }, "per_sec": { ... } },
//!     "wlan0": { "total": { ... }, "per_sec": { ... } }
//!   }
//! }
//! ```
//!
//! `interval` is the time measured between the two readings, in seconds; `per_sec` is
//! each counter's growth over it, divided by it and rounded to a whole number.
//!
//! Where the script shows the growth during its half-second poll as "per second",
//! sysgauge divides by the time that really passed.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::Serialize;
use sysgauge::NetIoCounters;

use super::iotop::per_sec;
use super::live::{self, ScreenLine, View};

/// Options of `sysgauge nettop`.
#[derive(clap::Args)]
pub struct Args {
    /// Seconds between two samples (the refresh period); fractions allowed.
    #[arg(long, value_name = "SECONDS", default_value = "1", value_parser = live::parse_interval)]
    pub interval: Duration,
    /// Print one frame as plain text (two samples `--interval` apart) and exit.
    #[arg(long)]
    pub once: bool,
    /// Print one sample (two readings `--interval` apart) as JSON and exit.
    #[arg(long)]
    pub json: bool,
}

/// The four counters nettop.py shows, under psutil's names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Traffic {
    /// Bytes sent.
    pub bytes_sent: u64,
    /// Bytes received.
    pub bytes_recv: u64,
    /// Packets sent.
    pub packets_sent: u64,
    /// Packets received.
    pub packets_recv: u64,
}

impl From<&NetIoCounters> for Traffic {
    fn from(n: &NetIoCounters) -> Traffic {
        Traffic {
            bytes_sent: n.bytes_sent,
            bytes_recv: n.bytes_recv,
            packets_sent: n.packets_sent,
            packets_recv: n.packets_recv,
        }
    }
}

/// Totals since boot and rates per second, of one interface or of all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Nic {
    /// The counters at the second reading.
    pub total: Traffic,
    /// Their growth since the first reading, per second.
    pub per_sec: Traffic,
}

/// What one frame shows, and what `--json` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sample {
    /// Seconds between the two readings.
    pub interval: f64,
    /// All interfaces together (psutil's `net_io_counters()`).
    pub all: Nic,
    /// Each interface present in both readings, by name.
    pub pernic: BTreeMap<String, Nic>,
    /// The interfaces in the order nettop.py shows them: most traffic first (the sum of
    /// all eight counters at the second reading), ties in name order.
    #[serde(skip)]
    pub order: Vec<String>,
}

/// One reading of every interface.
struct Reading {
    at: Instant,
    pernic: BTreeMap<String, NetIoCounters>,
}

impl Reading {
    fn take() -> sysgauge::Result<Reading> {
        Ok(Reading {
            at: Instant::now(),
            pernic: sysgauge::net_io_counters_pernic()?,
        })
    }
}

/// Totals at `after` and growth per second since `before`.
fn nic(before: &NetIoCounters, after: &NetIoCounters, secs: f64) -> Nic {
    let rate = |a: u64, b: u64| per_sec(b.saturating_sub(a), secs);
    Nic {
        total: Traffic::from(after),
        per_sec: Traffic {
            bytes_sent: rate(before.bytes_sent, after.bytes_sent),
            bytes_recv: rate(before.bytes_recv, after.bytes_recv),
            packets_sent: rate(before.packets_sent, after.packets_sent),
            packets_recv: rate(before.packets_recv, after.packets_recv),
        },
    }
}

/// The sum of all eight counters: nettop.py's sort key.
fn traffic_sum(n: &NetIoCounters) -> u128 {
    [
        n.bytes_sent,
        n.bytes_recv,
        n.packets_sent,
        n.packets_recv,
        n.errin,
        n.errout,
        n.dropin,
        n.dropout,
    ]
    .iter()
    .map(|&v| u128::from(v))
    .sum()
}

/// The sample between two readings.
fn compare(before: &Reading, after: &Reading) -> Sample {
    let secs = after.at.saturating_duration_since(before.at).as_secs_f64();
    // The rates of all interfaces together count only those read both times (a new
    // interface's counters did not grow by all they hold).
    let both = |r: &'_ Reading, other: &Reading| {
        sysgauge::net_io_counters_sum(
            r.pernic
                .iter()
                .filter(|(name, _)| other.pernic.contains_key(*name))
                .map(|(_, n)| n),
        )
    };
    let all = Nic {
        total: Traffic::from(&sysgauge::net_io_counters_sum(after.pernic.values())),
        per_sec: nic(&both(before, after), &both(after, before), secs).per_sec,
    };
    let pernic: BTreeMap<String, Nic> = after
        .pernic
        .iter()
        .filter_map(|(name, a)| Some((name.clone(), nic(before.pernic.get(name)?, a, secs))))
        .collect();
    let mut order: Vec<String> = pernic.keys().cloned().collect();
    order.sort_by_key(|name| {
        std::cmp::Reverse(after.pernic.get(name).map(traffic_sum).unwrap_or(0))
    });
    Sample {
        interval: secs,
        all,
        pernic,
        order,
    }
}

/// One interface line of nettop.py: label, total, rate.
fn columns(label: &str, total: &str, rate: &str) -> String {
    format!("{label:<15} {total:>15} {rate:>15}")
}

/// The lines of a frame, as nettop.py prints them.
pub fn frame(s: &Sample) -> Vec<ScreenLine> {
    let h = sysgauge::bytes2human;
    let mut lines = vec![
        ScreenLine::plain(format!(
            "total bytes:           sent: {:<10}   received: {}",
            h(s.all.total.bytes_sent),
            h(s.all.total.bytes_recv)
        )),
        ScreenLine::plain(""),
    ];
    for name in &s.order {
        let Some(n) = s.pernic.get(name) else {
            continue;
        };
        let (t, r) = (&n.total, &n.per_sec);
        lines.push(ScreenLine::highlighted(columns(name, "TOTAL", "PER-SEC")));
        for (label, total, rate) in [
            (
                "bytes-sent",
                h(t.bytes_sent),
                format!("{}/s", h(r.bytes_sent)),
            ),
            (
                "bytes-recv",
                h(t.bytes_recv),
                format!("{}/s", h(r.bytes_recv)),
            ),
            (
                "pkts-sent",
                t.packets_sent.to_string(),
                r.packets_sent.to_string(),
            ),
            (
                "pkts-recv",
                t.packets_recv.to_string(),
                r.packets_recv.to_string(),
            ),
        ] {
            lines.push(ScreenLine::plain(columns(label, &total, &rate)));
        }
        lines.push(ScreenLine::plain(""));
    }
    lines
}

/// The live state: the last reading and the sample shown.
struct Nettop {
    last: Reading,
    shown: Sample,
}

impl View for Nettop {
    fn sample(&mut self) -> sysgauge::Result<()> {
        let now = Reading::take()?;
        self.shown = compare(&self.last, &now);
        self.last = now;
        Ok(())
    }

    fn lines(&self, _width: usize, _height: usize) -> Vec<ScreenLine> {
        frame(&self.shown)
    }
}

/// Runs `sysgauge nettop`: the live view on a terminal, else (or with `--once`/`--json`)
/// one frame.
pub fn run(args: &Args) -> sysgauge::Result<()> {
    let last = Reading::take()?;
    // Until the next reading, every rate shows as zero (as the script's first poll, over
    // no time, does).
    let shown = compare(&last, &last);
    let mut view = Nettop { last, shown };
    live::run_or_once(&mut view, args.once, args.json, args.interval, |v| &v.shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counters(bytes: u64, packets: u64) -> NetIoCounters {
        NetIoCounters {
            bytes_sent: bytes,
            bytes_recv: bytes * 3,
            packets_sent: packets,
            packets_recv: packets * 2,
            ..Default::default()
        }
    }

    #[test]
    fn layout_is_nettop_py() {
        let t0 = Instant::now();
        let before = Reading {
            at: t0,
            pernic: [
                ("lo".to_string(), counters(1000, 10)),
                ("wlan0".to_string(), counters(1_385_167_995, 7_221_700)),
            ]
            .into(),
        };
        let after = Reading {
            at: t0 + Duration::from_millis(500),
            pernic: [
                ("lo".to_string(), counters(1000, 10)),
                ("wlan0".to_string(), counters(1_385_168_995, 7_221_782)),
                ("new0".to_string(), counters(5, 1)),
            ]
            .into(),
        };
        let s = compare(&before, &after);
        assert_eq!(s.order, ["wlan0", "lo"]);
        assert_eq!(s.pernic["wlan0"].per_sec.bytes_sent, 2000);
        assert_eq!(s.pernic["wlan0"].per_sec.packets_recv, 328);
        assert_eq!(s.all.per_sec.bytes_recv, 6000);
        assert_eq!(s.all.total.bytes_sent, 1_385_170_000);
        let text: Vec<String> = frame(&s).into_iter().map(|l| l.text).collect();
        assert_eq!(
            text,
            [
                "total bytes:           sent: 1.3G         received: 3.9G",
                "",
                "wlan0                     TOTAL         PER-SEC",
                "bytes-sent                 1.3G          2.0K/s",
                "bytes-recv                 3.9G          5.9K/s",
                "pkts-sent               7221782             164",
                "pkts-recv              14443564             328",
                "",
                "lo                        TOTAL         PER-SEC",
                "bytes-sent              1000.0B          0.0B/s",
                "bytes-recv                 2.9K          0.0B/s",
                "pkts-sent                    10               0",
                "pkts-recv                    20               0",
                "",
            ]
        );
        assert!(frame(&s)[2].highlight);
    }
}
