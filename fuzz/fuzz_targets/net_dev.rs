#![no_main]
//! net_dev::net_dev: at most one entry per line, and entries rendered in /proc/net/dev's
//! layout parse back equal.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::net_dev::net_dev;

fuzz_target!(|data: &[u8]| {
    let Ok(v) = net_dev(data) else { return };
    assert!(v.len() <= data.split(|&b| b == b'\n').count().saturating_sub(2));
    let mut text = String::from("Inter-|   Receive\n face |bytes\n");
    for e in &v {
        text.push_str(&format!(
            "  {}: {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {}\n",
            e.name,
            e.rx_bytes,
            e.rx_packets,
            e.rx_errs,
            e.rx_drop,
            e.rx_fifo,
            e.rx_frame,
            e.rx_compressed,
            e.rx_multicast,
            e.tx_bytes,
            e.tx_packets,
            e.tx_errs,
            e.tx_drop,
            e.tx_fifo,
            e.tx_colls,
            e.tx_carrier,
            e.tx_compressed
        ));
    }
    assert_eq!(net_dev(text.as_bytes()).expect("canonical text parses"), v);
});
