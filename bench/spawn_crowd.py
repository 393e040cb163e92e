#!/usr/bin/env python3
"""A crowd of sleeping child processes, so that a process sweep has about `total` processes
to walk (bench/compare_ps.py uses it as a context manager).

The children are GNU `sleep` (which adds up all its arguments), in three kinds:
- plain `sleep 600`;
- about 1 in 10 with a long command line (`sleep 600 0.000...0 ...`, about 6.5 KB);
- about 1 in 10 started from a copy of `sleep` whose file name has spaces, one of them
  longer than the 15 bytes the kernel keeps in `comm` (so name() has to look at cmdline).

Every child gets PR_SET_PDEATHSIG=SIGKILL, so it dies with this process even if this one is
killed with SIGKILL; on a normal exit, Ctrl-C or SIGTERM the context manager kills and reaps
them all. Standalone: `python3 bench/spawn_crowd.py [TOTAL]` holds a crowd until Ctrl-C.
"""
import ctypes
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

PR_SET_PDEATHSIG = 1
LONG_ARG = "0." + "0" * 100
SPACED_NAMES = ("sg sleeper", "sg crowd sleeper with a long name")


def count_processes():
    """The numeric entries of /proc: the processes this machine has now."""
    return sum(1 for e in os.listdir("/proc") if e.isdigit())


def _die_with_parent():
    # Runs in the child between fork and exec.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


class Crowd:
    """Context manager: spawns enough sleeping children to reach `total` processes."""

    def __init__(self, total=1000, seconds=600, quiet=False):
        self.total = total
        self.seconds = seconds
        self.quiet = quiet
        self.children = []
        self.tmpdir = None
        self._old_handlers = {}

    def _argv(self, i, sleep_bin, spaced):
        kind = i % 10
        if kind == 3:
            return [sleep_bin, str(self.seconds)] + [LONG_ARG] * 64
        if kind == 7:
            return [spaced[(i // 10) % len(spaced)], str(self.seconds)]
        return [sleep_bin, str(self.seconds)]

    def __enter__(self):
        sleep_bin = shutil.which("sleep") or "/bin/sleep"
        self.tmpdir = tempfile.mkdtemp(prefix="sg-crowd-")
        spaced = []
        for name in SPACED_NAMES:
            path = os.path.join(self.tmpdir, name)
            shutil.copy2(sleep_bin, path)
            spaced.append(path)
        # Ctrl-C and SIGTERM unwind through __exit__, which kills the crowd.
        for sig in (signal.SIGINT, signal.SIGTERM):
            self._old_handlers[sig] = signal.signal(sig, self._on_signal)
        need = self.total - count_processes()
        t0 = time.perf_counter()
        try:
            for i in range(max(0, need)):
                self.children.append(subprocess.Popen(
                    self._argv(i, sleep_bin, spaced),
                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent))
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        if not self.quiet:
            print(f"crowd: spawned {len(self.children)} sleeping children in "
                  f"{time.perf_counter() - t0:.1f} s; {count_processes()} processes now",
                  file=sys.stderr)
        return self

    def _on_signal(self, signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    def __exit__(self, *_exc):
        for p in self.children:
            try:
                p.kill()
            except OSError:
                pass
        for p in self.children:
            try:
                p.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.children = []
        if self.tmpdir:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None
        for sig, old in self._old_handlers.items():
            signal.signal(sig, old)
        self._old_handlers = {}
        return False


def main():
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with Crowd(total):
        print("holding the crowd; Ctrl-C to end it", file=sys.stderr)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
