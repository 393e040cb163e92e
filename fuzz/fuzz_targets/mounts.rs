#![no_main]
//! mounts::mounts: entries re-escaped and written one per line parse back to the same entries.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::mounts::mounts;

fn escape(x: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for &b in x {
        match b {
            b' ' => out.extend_from_slice(b"\\040"),
            b'\t' => out.extend_from_slice(b"\\011"),
            b'\n' => out.extend_from_slice(b"\\012"),
            b'\\' => out.extend_from_slice(b"\\134"),
            _ => out.push(b),
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let v = mounts(data);
    let mut text = Vec::new();
    for e in &v {
        assert!(!e.device.is_empty());
        let fields = [&e.device, &e.mountpoint, &e.fstype, &e.opts];
        // Fields come in order: an empty one is only followed by empty ones.
        for w in fields.windows(2) {
            assert!(!w[0].is_empty() || w[1].is_empty());
        }
        let parts: Vec<Vec<u8>> = fields
            .iter()
            .filter(|f| !f.is_empty())
            .map(|f| escape(f))
            .collect();
        text.extend_from_slice(&parts.join(&b' '));
        if parts.len() == 4 {
            text.extend_from_slice(b" 0 0");
        }
        text.push(b'\n');
    }
    assert_eq!(mounts(&text), v);
});
