//! The terminal side of the live views (`iotop`, `nettop`, `cpu-distribution`, and
//! [`LiveTerminal`] for `top`): raw mode on the alternate screen, restored on every way
//! out (return, error, panic, and SIGTERM, SIGHUP or SIGINT); a redraw at each tick of
//! the interval and on each key or resize, and no work in between.
//!
//! # Signals
//!
//! A signal that ends the process would leave the terminal in raw mode on the alternate
//! screen: no unwinding runs, so no `Drop` does. [`LiveTerminal::enter`] therefore saves
//! the terminal's modes (`tcgetattr`, before raw mode) and registers, once, with
//! [`sysgauge::register_exit_fun`], a function for SIGTERM, SIGHUP and SIGINT that puts
//! them back (`tcsetattr`) and writes the sequences that leave the alternate screen and
//! show the cursor; the library then lets the signal end the process as it would have
//! (the shell sees 128 + the signal). The function runs inside the signal handler, so it
//! does only what is async-signal-safe: see [`restore_from_signal`].

use std::io::{self, BufWriter, IsTerminal, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Once, OnceLock};
use std::time::{Duration, Instant};

use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::crossterm::{cursor, execute, terminal};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Terminal;
use rustix::process::Signal;
use rustix::termios::{self, OptionalActions, Termios};

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

/// The terminal as it was before raw mode, for the signal handler.
struct Saved {
    /// The terminal whose modes raw mode changes: standard input when it is one, else
    /// `/dev/tty` (the one crossterm changes).
    tty: OwnedFd,
    /// Standard output, where the views draw.
    out: OwnedFd,
    /// Its modes before raw mode.
    modes: Termios,
}

/// Set once, by the first [`LiveTerminal::enter`]; read by the signal handler.
static SAVED: OnceLock<Saved> = OnceLock::new();
/// Whether the terminal is (maybe) in raw mode on the alternate screen: set by
/// [`LiveTerminal::enter`], cleared once it is restored.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Abandons any escape sequence cut short by the signal (CAN), resets the colours,
/// leaves the alternate screen, shows the cursor: what crossterm's
/// `LeaveAlternateScreen` and `cursor::Show` write, as bytes ready in advance.
const LEAVE: &[u8] = b"\x18\x1b[0m\x1b[?1049l\x1b[?25h";

/// The terminal's descriptors and modes before raw mode; `None` when they cannot be
/// read (then nothing restores on a signal, and the view still runs).
fn save_modes() -> Option<Saved> {
    let tty: OwnedFd = if io::stdin().is_terminal() {
        io::stdin().as_fd().try_clone_to_owned().ok()?
    } else {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .ok()?
            .into()
    };
    let modes = termios::tcgetattr(&tty).ok()?;
    let out = io::stdout().as_fd().try_clone_to_owned().ok()?;
    Some(Saved { tty, out, modes })
}

/// Arranges for SIGTERM, SIGHUP and SIGINT to restore the terminal (once a process: the
/// modes are saved the first time, in cooked mode, as every later entry finds them).
fn restore_on_signals() {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        if let Some(saved) = save_modes() {
            if SAVED.set(saved).is_ok() {
                // Refused only for signals that cannot be caught, or past the registry's
                // 256 functions: then the view runs without this safety net.
                let _ = sysgauge::register_exit_fun(
                    restore_from_signal,
                    &[Signal::TERM, Signal::HUP, Signal::INT].map(Signal::as_raw),
                );
            }
        }
    });
    ACTIVE.store(true, Ordering::Release);
}

/// Restores the terminal from a signal handler (also run at a normal exit, when
/// [`ACTIVE`] is already cleared and it does nothing).
///
/// Async-signal-safe, as a handler must be (it may interrupt the main thread anywhere,
/// in the middle of a draw holding stdout's lock or the allocator's): it takes no lock
/// and allocates nothing. It swaps an atomic flag (lock-free), reads [`SAVED`] (a
/// `OnceLock` read is an atomic load; it was set before the flag), and makes two system
/// calls that POSIX lists as async-signal-safe, through rustix (raw system calls on
/// Linux, no buffers): `tcsetattr(3)` (the `TCSETS2` ioctl, or `TCSETS`) with the saved
/// modes, and `write(2)` of the constant [`LEAVE`] to a descriptor opened beforehand. Output the main thread had
/// buffered but not written is lost, as it would be anyway.
fn restore_from_signal() {
    if !ACTIVE.swap(false, Ordering::AcqRel) {
        return;
    }
    let Some(saved) = SAVED.get() else { return };
    let _ = termios::tcsetattr(&saved.tty, OptionalActions::Now, &saved.modes);
    let mut rest = LEAVE;
    while !rest.is_empty() {
        match rustix::io::write(&saved.out, rest) {
            Ok(n) if n > 0 => rest = rest.get(n..).unwrap_or_default(),
            Err(rustix::io::Errno::INTR) => {}
            _ => break,
        }
    }
}

/// The terminal the live views draw on: ratatui over a buffered stdout (each frame is
/// written in one go when ratatui flushes it).
pub type Term = Terminal<CrosstermBackend<BufWriter<io::Stdout>>>;

/// The terminal in raw mode on the alternate screen with the cursor hidden, for as long
/// as this lives. It is restored on every way out: when this is dropped (return, error,
/// a panic unwinding), by the panic hook (before the message prints), and on SIGTERM,
/// SIGHUP and SIGINT (see the module's docs).
pub struct LiveTerminal {
    /// What to draw on.
    pub terminal: Term,
}

impl LiveTerminal {
    /// Enters raw mode and the alternate screen, hides the cursor and clears the screen.
    /// On an error the terminal is restored before it is returned.
    pub fn enter() -> io::Result<LiveTerminal> {
        restore_on_panic();
        restore_on_signals();
        let set_up = (|| {
            terminal::enable_raw_mode()?;
            execute!(io::stdout(), terminal::EnterAlternateScreen)?;
            let out = BufWriter::with_capacity(1 << 16, io::stdout());
            let mut terminal = Terminal::new(CrosstermBackend::new(out))?;
            terminal.hide_cursor()?;
            terminal.clear()?;
            Ok(terminal)
        })();
        match set_up {
            Ok(terminal) => Ok(LiveTerminal { terminal }),
            Err(e) => {
                restore();
                ACTIVE.store(false, Ordering::Release);
                Err(e)
            }
        }
    }
}

impl Drop for LiveTerminal {
    fn drop(&mut self) {
        let _ = self.terminal.show_cursor();
        let _ = self.terminal.backend_mut().flush();
        restore();
        ACTIVE.store(false, Ordering::Release);
    }
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
fn draw(term: &mut Term, view: &impl View) -> sysgauge::Result<()> {
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
    let mut live = LiveTerminal::enter().map_err(tty_error)?;
    let term = &mut live.terminal;
    draw(term, view)?;
    let mut next = Instant::now() + interval;
    loop {
        let wait = next.saturating_duration_since(Instant::now());
        if event::poll(wait).map_err(tty_error)? {
            match event::read().map_err(tty_error)? {
                Event::Key(key) if key.kind != KeyEventKind::Release => {
                    if quits(&key) {
                        return Ok(());
                    }
                    draw(term, view)?;
                }
                Event::Resize(..) => draw(term, view)?,
                _ => {}
            }
        } else {
            view.sample()?;
            draw(term, view)?;
            next = Instant::now() + interval;
        }
    }
}

/// What each live view's `run` does: the live view on a terminal; else, or with `once` or
/// `json`, one sample taken `interval` after the first reading, printed as a text frame or
/// as the JSON of `shown(view)`.
pub fn run_or_once<V: View, T: serde::Serialize>(
    view: &mut V,
    once: bool,
    json: bool,
    interval: Duration,
    shown: impl Fn(&V) -> &T,
) -> sysgauge::Result<()> {
    if !is_live(once, json) {
        std::thread::sleep(interval);
        view.sample()?;
        if json {
            return super::print_json(shown(view));
        }
        return print_once(view);
    }
    run(view, interval)
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
