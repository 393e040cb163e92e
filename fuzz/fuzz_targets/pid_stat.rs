#![no_main]
//! pid_stat::pid_stat: every field equals a plain reading of the text (comm between the first
//! '(' and the last ')', then whitespace-separated tokens parsed with std), optional fields
//! are present exactly when their token is.
use libfuzzer_sys::fuzz_target;
use std::str::FromStr;
use sysgauge::platform::linux::parse::pid_stat::pid_stat;

fn tok<T: FromStr + PartialEq + std::fmt::Debug>(toks: &[&[u8]], i: usize, got: T) {
    let t = toks
        .get(i)
        .unwrap_or_else(|| panic!("token {i} missing but parsed"));
    let want = std::str::from_utf8(t)
        .ok()
        .and_then(|s| s.parse::<T>().ok());
    assert_eq!(want, Some(got), "token {i}: {t:?}");
}

fn opt<T: FromStr + PartialEq + std::fmt::Debug>(toks: &[&[u8]], i: usize, got: Option<T>) {
    assert_eq!(got.is_some(), toks.len() > i, "token {i} presence");
    if let Some(g) = got {
        tok(toks, i, g);
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = pid_stat(data) else { return };
    let l = data.iter().position(|&b| b == b'(').expect("a '('");
    let r = data.iter().rposition(|&b| b == b')').expect("a ')'");
    assert!(l < r);
    assert_eq!(s.comm, &data[l + 1..r]);
    let head = std::str::from_utf8(data[..l].trim_ascii()).expect("pid is ASCII");
    assert_eq!(head.parse::<i32>().ok(), Some(s.pid));
    let toks: Vec<&[u8]> = data[r + 1..]
        .split(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c))
        .filter(|t| !t.is_empty())
        .collect();
    assert_eq!(toks.first().copied(), Some(&[s.state][..]));
    for (i, v) in [s.ppid, s.pgrp, s.session, s.tty_nr, s.tpgid]
        .into_iter()
        .enumerate()
    {
        tok(&toks, 1 + i, v);
    }
    tok(&toks, 6, s.flags);
    for (i, v) in [s.minflt, s.cminflt, s.majflt, s.cmajflt, s.utime, s.stime]
        .into_iter()
        .enumerate()
    {
        tok(&toks, 7 + i, v);
    }
    for (i, v) in [s.cutime, s.cstime, s.priority, s.nice, s.num_threads]
        .into_iter()
        .enumerate()
    {
        tok(&toks, 13 + i, v);
    }
    tok(&toks, 19, s.starttime);
    tok(&toks, 20, s.vsize);
    tok(&toks, 21, s.rss);
    opt(&toks, 35, s.exit_signal);
    opt(&toks, 36, s.processor);
    opt(&toks, 37, s.rt_priority);
    opt(&toks, 38, s.policy);
    opt(&toks, 39, s.delayacct_blkio_ticks);
    opt(&toks, 40, s.guest_time);
    opt(&toks, 41, s.cguest_time);
    opt(&toks, 49, s.exit_code);
});
