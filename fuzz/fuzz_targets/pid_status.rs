#![no_main]
//! pid_status::pid_status: the parsed fields written back as a status file (name escaped the
//! kernel's way) parse to the same fields.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::pid_status::{pid_status, Ids};

fn escape(name: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for &b in name {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            _ => out.push(b),
        }
    }
    out
}

fn ids(i: &Ids) -> String {
    match i.fs {
        Some(fs) => format!("{}\t{}\t{}\t{}", i.real, i.effective, i.saved, fs),
        None => format!("{}\t{}\t{}", i.real, i.effective, i.saved),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = pid_status(data) else { return };
    let mut t: Vec<u8> = Vec::new();
    if let Some(n) = &s.name {
        t.extend_from_slice(b"Name:\t");
        t.extend_from_slice(&escape(n));
        t.push(b'\n');
    }
    let mut line = |k: &str, v: String| t.extend_from_slice(format!("{k}:\t{v}\n").as_bytes());
    if let Some(v) = s.umask {
        line("Umask", format!("{v:04o}"))
    }
    if let Some(v) = s.tgid {
        line("Tgid", v.to_string())
    }
    if let Some(v) = s.ngid {
        line("Ngid", v.to_string())
    }
    if let Some(v) = s.pid {
        line("Pid", v.to_string())
    }
    if let Some(v) = s.ppid {
        line("PPid", v.to_string())
    }
    if let Some(v) = s.tracer_pid {
        line("TracerPid", v.to_string())
    }
    if let Some(v) = &s.uid {
        line("Uid", ids(v))
    }
    if let Some(v) = &s.gid {
        line("Gid", ids(v))
    }
    if let Some(v) = s.fd_size {
        line("FDSize", v.to_string())
    }
    for (k, v) in [
        ("VmPeak", s.vm_peak),
        ("VmSize", s.vm_size),
        ("VmHWM", s.vm_hwm),
        ("VmRSS", s.vm_rss),
        ("RssAnon", s.rss_anon),
        ("RssFile", s.rss_file),
        ("RssShmem", s.rss_shmem),
        ("VmSwap", s.vm_swap),
        ("HugetlbPages", s.hugetlb_pages),
    ] {
        if let Some(v) = v {
            assert_eq!(v % 1024, 0, "{k}");
            line(k, format!("{:>8} kB", v / 1024));
        }
    }
    if let Some(v) = s.threads {
        line("Threads", v.to_string())
    }
    if let Some(v) = s.voluntary_ctxt_switches {
        line("voluntary_ctxt_switches", v.to_string())
    }
    if let Some(v) = s.nonvoluntary_ctxt_switches {
        line("nonvoluntary_ctxt_switches", v.to_string())
    }
    if let Some(v) = s.state {
        t.extend_from_slice(b"State:\t");
        t.push(v);
        t.extend_from_slice(b" (x)\n");
    }
    if let Some(v) = s.cpus_allowed_list {
        assert!(!v.contains(&b'\n'));
        t.extend_from_slice(b"Cpus_allowed_list:\t");
        t.extend_from_slice(v);
        t.push(b'\n');
    }
    assert_eq!(pid_status(&t).expect("rendered status parses"), s);
});
