#![no_main]
use libfuzzer_sys::fuzz_target;
fuzz_target!(|data: &[u8]| {
    for line in sysgauge::platform::linux::parse::pid_maps::maps(data).flatten() {
        let _ = (
            line.start(),
            line.end(),
            line.size(),
            line.offset_bytes(),
            line.dev_numbers(),
            line.inode_number(),
            line.is_deleted(),
        );
    }
});
