#![no_main]
//! pid_io::pid_io: the counters rendered back as /proc/PID/io parse equal.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::pid_io::pid_io;

fuzz_target!(|data: &[u8]| {
    let Ok(io) = pid_io(data) else { return };
    let mut text = format!(
        "rchar: {}\nwchar: {}\nsyscr: {}\nsyscw: {}\nread_bytes: {}\nwrite_bytes: {}\n",
        io.rchar, io.wchar, io.syscr, io.syscw, io.read_bytes, io.write_bytes
    );
    if let Some(c) = io.cancelled_write_bytes {
        text.push_str(&format!("cancelled_write_bytes: {c}\n"));
    }
    assert_eq!(pid_io(text.as_bytes()), Ok(io));
});
