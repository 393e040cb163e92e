//! `sysgauge fans`: psutil's fans.py, the fan speeds of every chip (`sensors_fans()`).
//!
//! ```text
//! thinkpad
//!     thinkpad             2415 RPM
//!     Secondary fan        0 RPM
//!
//! ```
//!
//! Each chip (hwmon `name`, in psutil's order: see [`super::sensors::fan_order`]) is a
//! line, then one line per fan: four spaces, the label (the chip name when the fan has
//! none) left-aligned in 20, the speed and `RPM`; then an empty line.
//!
//! With no fan, the line `no fans detected` (exit status 0, as fans.py).
//!
//! With `--json`, psutil's dict: chip → list of `{label, current}` (`{}` when there is
//! none).

use sysgauge::Fan;

use super::sensors::{label_or, Chips};

/// Options of `sysgauge fans`.
#[derive(clap::Args)]
pub struct Args {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// fans.py's lines for `fans`.
pub fn render(fans: &[(String, Vec<Fan>)]) -> Vec<String> {
    if fans.is_empty() {
        return vec!["no fans detected".to_string()];
    }
    let mut out = Vec::new();
    for (name, entries) in fans {
        out.push(name.clone());
        for f in entries {
            out.push(format!(
                "    {:<20} {} RPM",
                label_or(&f.label, name),
                f.current
            ));
        }
        out.push(String::new());
    }
    out
}

/// Prints the fans: fans.py's text, or JSON with `--json`.
pub fn run(args: &Args) -> sysgauge::Result<()> {
    let fans = super::sensors::fans()?;
    if args.json {
        return super::print_json(&Chips(&fans));
    }
    super::print_lines(render(&fans))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout() {
        assert_eq!(render(&[]), ["no fans detected"]);
        let fans = vec![(
            "it8728".to_string(),
            vec![
                Fan {
                    label: "CPU fan".into(),
                    current: 1250,
                },
                Fan {
                    label: String::new(),
                    current: 870,
                },
            ],
        )];
        assert_eq!(
            render(&fans),
            [
                "it8728",
                "    CPU fan              1250 RPM",
                "    it8728               870 RPM",
                "",
            ]
        );
    }
}
