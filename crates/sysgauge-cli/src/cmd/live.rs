//! The terminal side of the live views (`iotop`, `nettop`, `cpu-distribution`): raw
//! mode on the alternate screen, restored on every way out (return, error, panic); a
//! redraw at each tick of the interval and on each key or resize, and no work in between.

use std::io::{self, IsTerminal, Write};
use std::sync::Once;
use std::time::{Duration, Instant};

use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::crossterm::{cursor, execute, terminal};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Terminal;

/// One line of a frame; a highlighted line is shown in reverse video across the whole
/// width (the scripts' `printl(line, highlight=True)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreenLine {
    /// The text.
    pub text: String,
    /// Whether it is shown in reverse video.
    pub highlight: bool,
}

impl ScreenLine {
    /// A plain line.
    pub fn plain(text: impl Into<String>) -> ScreenLine {
        ScreenLine {
            text: text.into(),
            highlight: false,
        }
    }

    /// A highlighted line.
    pub fn highlighted(text: impl Into<String>) -> ScreenLine {
        ScreenLine {
            text: text.into(),
            highlight: true,
        }
    }
}

/// A live view: takes samples and lays them out.
pub trait View {
    /// Reads the counters again; what [`lines`](Self::lines) shows from now on is
    /// measured since the previous reading.
    fn sample(&mut self) -> sysgauge::Result<()>;

    /// The frame for a screen of `width` × `height` characters (`usize::MAX` for
    /// plain-text output, which has no limits).
    fn lines(&self, width: usize, height: usize) -> Vec<ScreenLine>;
}

/// Parses `--interval`: a positive, finite number of seconds.
pub fn parse_interval(s: &str) -> Result<Duration, String> {
    let secs: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number of seconds"))?;
    if secs.is_nan() || secs <= 0.0 {
        return Err(format!(
            "the interval must be more than 0 seconds (got {s})"
        ));
    }
    Duration::try_from_secs_f64(secs).map_err(|_| format!("{s} seconds is too long"))
}

/// Whether to run the live view: not with `--once` or `--json`, and only when stdout
/// is a terminal (otherwise one plain frame is printed).
pub fn is_live(once: bool, json: bool) -> bool {
    !once && !json && io::stdout().is_terminal()
}

/// Prints `view`'s frame as plain text, without limits of width or height (control
/// characters shown as `?`, so that each line of the frame is one line of output).
pub fn print_once(view: &impl View) -> sysgauge::Result<()> {
    super::print_lines(
        view.lines(usize::MAX, usize::MAX)
            .into_iter()
            .map(|l| printable(&l.text)),
    )
}

/// A terminal error as a sysgauge error.
fn tty_error(e: io::Error) -> sysgauge::Error {
    sysgauge::Error::io("/dev/tty", e)
}

/// Leaves raw mode and the alternate screen, shows the cursor. Harmless when already
/// done.
fn restore() {
    let _ = terminal::disable_raw_mode();
    let mut out = io::stdout();
    let _ = execute!(out, terminal::LeaveAlternateScreen, cursor::Show);
    let _ = out.flush();
}

/// Restores the terminal when dropped: on return, on error, and while a panic
/// unwinds.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        restore();
    }
}

/// Makes a panic restore the terminal before its message is printed (the message
/// would otherwise go to the alternate screen, which is then cleared).
fn restore_on_panic() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

/// Whether `key` quits: `q`, Esc, Ctrl-C.
pub fn quits(key: &KeyEvent) -> bool {
    match key.code {
        KeyCode::Char('q') | KeyCode::Char('Q') | KeyCode::Esc => true,
        KeyCode::Char('c') | KeyCode::Char('C') => key.modifiers.contains(KeyModifiers::CONTROL),
        _ => false,
    }
}

/// Text safe to put on the screen: control characters (a command line may hold tabs,
/// newlines or escape sequences) become `?`, as `ps` shows them.
pub fn printable(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// Draws `view` on the whole screen.
fn draw(
    term: &mut Terminal<CrosstermBackend<io::Stdout>>,
    view: &impl View,
) -> sysgauge::Result<()> {
    term.draw(|f| {
        let area = f.area();
        let width = usize::from(area.width);
        let lines: Vec<Line> = view
            .lines(width, usize::from(area.height))
            .into_iter()
            .map(|l| {
                let text = printable(&l.text);
                if l.highlight {
                    Line::styled(
                        format!("{text:<width$}"),
                        Style::new().add_modifier(Modifier::REVERSED),
                    )
                } else {
                    Line::raw(text)
                }
            })
            .collect();
        f.render_widget(Paragraph::new(lines), area);
    })
    .map_err(tty_error)?;
    Ok(())
}

/// Runs `view` live until a quitting key: a new sample every `interval`, a redraw
/// after each sample, key and resize. The first frame is drawn at once.
pub fn run(view: &mut impl View, interval: Duration) -> sysgauge::Result<()> {
    restore_on_panic();
    terminal::enable_raw_mode().map_err(tty_error)?;
    let _restore = Restore;
    execute!(io::stdout(), terminal::EnterAlternateScreen, cursor::Hide).map_err(tty_error)?;
    let mut term = Terminal::new(CrosstermBackend::new(io::stdout())).map_err(tty_error)?;
    term.clear().map_err(tty_error)?;
    draw(&mut term, view)?;
    let mut next = Instant::now() + interval;
    loop {
        let wait = next.saturating_duration_since(Instant::now());
        if event::poll(wait).map_err(tty_error)? {
            match event::read().map_err(tty_error)? {
                Event::Key(key) if key.kind != KeyEventKind::Release => {
                    if quits(&key) {
                        return Ok(());
                    }
                    draw(&mut term, view)?;
                }
                Event::Resize(..) => draw(&mut term, view)?,
                _ => {}
            }
        } else {
            view.sample()?;
            draw(&mut term, view)?;
            next = Instant::now() + interval;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval() {
        assert_eq!(parse_interval("1"), Ok(Duration::from_secs(1)));
        assert_eq!(parse_interval("0.25"), Ok(Duration::from_millis(250)));
        assert!(parse_interval("0").is_err());
        assert!(parse_interval("-1").is_err());
        assert!(parse_interval("nan").is_err());
        assert!(parse_interval("inf").is_err());
        assert!(parse_interval("x").is_err());
    }

    #[test]
    fn quitting_keys() {
        let k = |code, modifiers| KeyEvent::new(code, modifiers);
        assert!(quits(&k(KeyCode::Char('q'), KeyModifiers::NONE)));
        assert!(quits(&k(KeyCode::Esc, KeyModifiers::NONE)));
        assert!(quits(&k(KeyCode::Char('c'), KeyModifiers::CONTROL)));
        assert!(!quits(&k(KeyCode::Char('c'), KeyModifiers::NONE)));
        assert!(!quits(&k(KeyCode::Char('x'), KeyModifiers::NONE)));
        assert_eq!(printable("a\tb\x1b[2J"), "a?b?[2J");
    }
}
