//! `sysgauge temperatures`: psutil's temperatures.py, the hardware temperatures of every
//! chip (`sensors_temperatures()`).
//!
//! ```text
//! acpitz
//!     acpitz               27.8 °C (high = 105.0 °C, critical = 105.0 °C)
//!
//! coretemp
//!     Package id 0         52.0 °C (high = 86.0 °C, critical = 100.0 °C)
//!     Core 0               49.0 °C (high = 86.0 °C, critical = 100.0 °C)
//!
//! ```
//!
//! Each chip (hwmon `name`, or thermal zone `type`, in psutil's order: see
//! [`super::sensors::temperature_order`]) is a line, then one line per sensor: four spaces,
//! the label (the chip name when the sensor has none) left-aligned in 20, the current
//! temperature, high and critical thresholds in degrees Celsius as Python writes them
//! (`47.25`, `None` when unknown), then an empty line.
//!
//! With no temperature at all, `sysgauge: can't read any temperature` on stderr and exit
//! status 1 (temperatures.py's `sys.exit`).
//!
//! With `--json`, psutil's dict: chip → list of `{label, current, high, critical}` (`{}`
//! when there is none, exit status 0).

use sysgauge::Temperature;

use super::fail;
use super::procinfo::py_float;
use super::sensors::{label_or, py_opt, Chips};

/// Options of `sysgauge temperatures`.
#[derive(clap::Args)]
pub struct Args {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// temperatures.py's lines for `temps` (not empty).
pub fn render(temps: &[(String, Vec<Temperature>)]) -> Vec<String> {
    let mut out = Vec::new();
    for (name, entries) in temps {
        out.push(name.clone());
        for t in entries {
            out.push(format!(
                "    {:<20} {} °C (high = {} °C, critical = {} °C)",
                label_or(&t.label, name),
                py_float(t.current),
                py_opt(t.high),
                py_opt(t.critical)
            ));
        }
        out.push(String::new());
    }
    out
}

/// Prints the temperatures: temperatures.py's text, or JSON with `--json`.
pub fn run(args: &Args) -> sysgauge::Result<()> {
    let temps = super::sensors::temperatures()?;
    if args.json {
        return super::print_json(&Chips(&temps));
    }
    if temps.is_empty() {
        fail("can't read any temperature");
    }
    super::print_lines(render(&temps))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout() {
        let temps = vec![(
            "nvme".to_string(),
            vec![
                Temperature {
                    label: "Composite".into(),
                    current: 38.85,
                    high: Some(81.85),
                    critical: None,
                },
                Temperature {
                    label: String::new(),
                    current: 41.0,
                    high: None,
                    critical: Some(0.0),
                },
            ],
        )];
        assert_eq!(
            render(&temps),
            [
                "nvme",
                "    Composite            38.85 °C (high = 81.85 °C, critical = None °C)",
                "    nvme                 41.0 °C (high = None °C, critical = 0.0 °C)",
                "",
            ]
        );
    }
}
