//! `sysgauge meminfo`: psutil's meminfo.py, every field of virtual memory and swap.
//!
//! Two sections, `MEMORY` then `SWAP`, each under a dashed underline and separated by an
//! empty line; one line per field of psutil's `virtual_memory()` / `swap_memory()`, in
//! psutil's order:
//!
//! ```text
//! MEMORY
//! ------
//! Total      :   23.5G
//! Available  :   23.1G
//! Percent    :     1.9
//! Used       :  452.4M
//! Free       :   22.6G
//! Active     :  230.5M
//! Inactive   :  224.2M
//! Buffers    :    5.4M
//! Cached     :  806.3M
//! Shared     :    8.7M
//! Slab       :  406.9M
//!
//! SWAP
//! ----
//! Total      :    0.0B
//! Used       :    0.0B
//! Free       :    0.0B
//! Percent    :     0.0
//! Sin        :    0.0B
//! Sout       :    0.0B
//! ```
//!
//! The field name is capitalized and left-aligned in 10 characters, then ` : ` and the value
//! right-aligned in 7. Sizes go through `bytes2human`; `percent` is printed as the number
//! Python prints (`49.0`, no `%` sign, as the script does). With `--json`, the two records
//! are printed whole, in bytes, as `{"virtual_memory": {...}, "swap_memory": {...}}` under
//! psutil's field names.

use serde::Serialize;
use sysgauge::{bytes2human, SwapMemory, VirtualMemory};

use crate::cmd::procinfo::py_float;

/// Options of `sysgauge meminfo`.
#[derive(clap::Args)]
pub struct Args {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// What `--json` prints.
#[derive(Serialize)]
struct Report<'a> {
    virtual_memory: &'a VirtualMemory,
    swap_memory: &'a SwapMemory,
}

/// One value of a record: a size in bytes, or the percentage.
enum Value {
    Bytes(u64),
    Percent(f64),
}

/// One line of meminfo.py: Python's `name.capitalize()` in 10, ` : `, the value in 7.
fn line(name: &str, value: &Value) -> String {
    let mut chars = name.chars();
    let label: String = match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    };
    let shown = match value {
        Value::Bytes(n) => bytes2human(*n),
        Value::Percent(p) => py_float(*p),
    };
    format!("{label:<10} : {shown:>7}")
}

/// The fields of `virtual_memory()` in psutil's order.
fn memory_fields(vm: &VirtualMemory) -> [(&'static str, Value); 11] {
    use Value::{Bytes, Percent};
    [
        ("total", Bytes(vm.total)),
        ("available", Bytes(vm.available)),
        ("percent", Percent(vm.percent)),
        ("used", Bytes(vm.used)),
        ("free", Bytes(vm.free)),
        ("active", Bytes(vm.active)),
        ("inactive", Bytes(vm.inactive)),
        ("buffers", Bytes(vm.buffers)),
        ("cached", Bytes(vm.cached)),
        ("shared", Bytes(vm.shared)),
        ("slab", Bytes(vm.slab)),
    ]
}

/// The fields of `swap_memory()` in psutil's order.
fn swap_fields(sw: &SwapMemory) -> [(&'static str, Value); 6] {
    use Value::{Bytes, Percent};
    [
        ("total", Bytes(sw.total)),
        ("used", Bytes(sw.used)),
        ("free", Bytes(sw.free)),
        ("percent", Percent(sw.percent)),
        ("sin", Bytes(sw.sin)),
        ("sout", Bytes(sw.sout)),
    ]
}

/// The lines meminfo.py prints, without line ends.
pub fn render(vm: &VirtualMemory, swap: &SwapMemory) -> Vec<String> {
    let mut out = vec!["MEMORY".to_string(), "------".to_string()];
    out.extend(memory_fields(vm).iter().map(|(n, v)| line(n, v)));
    out.extend(["".to_string(), "SWAP".to_string(), "----".to_string()]);
    out.extend(swap_fields(swap).iter().map(|(n, v)| line(n, v)));
    out
}

/// Prints virtual memory and swap: meminfo.py's text, or JSON with `--json`.
pub fn run(args: &Args) -> sysgauge::Result<()> {
    let vm = sysgauge::virtual_memory()?;
    let swap = sysgauge::swap_memory()?;
    if args.json {
        return super::print_json(&Report {
            virtual_memory: &vm,
            swap_memory: &swap,
        });
    }
    super::print_lines(render(&vm, &swap))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_meminfo_py() {
        let vm = VirtualMemory {
            total: 10_368_532_480,
            available: 5_261_334_528,
            percent: 49.0,
            used: 8_832_999_424,
            free: 1_535_512_576,
            active: 6_012_954_624,
            inactive: 2_254_857_216,
            buffers: 357_888_000,
            cached: 3_387_224_064,
            shared: 100,
            slab: 0,
        };
        let swap = SwapMemory {
            total: 0,
            used: 0,
            free: 0,
            percent: 0.0,
            sin: 0,
            sout: 0,
        };
        let want = [
            "MEMORY",
            "------",
            "Total      :    9.7G",
            "Available  :    4.9G",
            "Percent    :    49.0",
            "Used       :    8.2G",
            "Free       :    1.4G",
            "Active     :    5.6G",
            "Inactive   :    2.1G",
            "Buffers    :  341.3M",
            "Cached     :    3.2G",
            "Shared     :  100.0B",
            "Slab       :    0.0B",
            "",
            "SWAP",
            "----",
            "Total      :    0.0B",
            "Used       :    0.0B",
            "Free       :    0.0B",
            "Percent    :     0.0",
            "Sin        :    0.0B",
            "Sout       :    0.0B",
        ];
        assert_eq!(render(&vm, &swap), want);
    }
}
