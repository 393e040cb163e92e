#![no_main]
//! pytext::lines / fields / strip / int: lines tile the input between "\n", "\r" or "\r\n"
//! separators; fields are the non-space runs; strip removes exactly the surrounding spaces;
//! int agrees with std's reading of the stripped text without its digit-separating '_'.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::pytext;

fuzz_target!(|data: &[u8]| {
    let mut at = 0;
    for line in pytext::lines(data) {
        assert_eq!(line.as_ptr() as usize - data.as_ptr() as usize, at);
        assert!(!line.contains(&b'\n') && !line.contains(&b'\r'));
        at += line.len();
        match (data.get(at), data.get(at + 1)) {
            (None, _) => {}
            (Some(b'\r'), Some(b'\n')) => at += 2,
            (Some(b'\n' | b'\r'), _) => at += 1,
            (Some(b), _) => panic!("line ends at {b:#x}"),
        }
    }
    assert_eq!(at, data.len());

    let fields: Vec<&[u8]> = pytext::fields(data).collect();
    assert!(fields
        .iter()
        .all(|f| !f.is_empty() && !f.iter().any(|&b| pytext::is_space(b))));
    let packed: Vec<u8> = data
        .iter()
        .copied()
        .filter(|&b| !pytext::is_space(b))
        .collect();
    assert_eq!(fields.concat(), packed);

    let s = pytext::strip(data);
    let start = data
        .iter()
        .position(|&b| !pytext::is_space(b))
        .unwrap_or(data.len());
    let end = data
        .iter()
        .rposition(|&b| !pytext::is_space(b))
        .map_or(start, |i| i + 1);
    assert_eq!(s, &data[start..end]);

    let v = pytext::int(data);
    if let Some(v) = v {
        assert_eq!(pytext::int(format!(" {v}\n").as_bytes()), Some(v));
        let plain: Vec<u8> = s.iter().copied().filter(|&b| b != b'_').collect();
        let plain = std::str::from_utf8(&plain).expect("an integer is ASCII");
        match plain.strip_prefix('-') {
            Some(rest) => assert_eq!((rest.parse::<u64>().ok(), v), (Some(0), 0)),
            None => assert_eq!(plain.parse::<u64>().ok(), Some(v)),
        }
    }
});
