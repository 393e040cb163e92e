#!/usr/bin/env python3
"""Load maker for bench/compare_connections.sh: processes that hold many loopback TCP
connections, so that socket listings (sysgauge, psutil, `ss -p`) have other processes'
descriptors to scan, as in real life.

Each worker process raises its own RLIMIT_NOFILE soft limit to what it needs, listens on
127.0.0.1 (an ephemeral port), then makes its share of the --conns client connections to
that listener and accepts each one right after its connect (so the listen backlog never
fills, whatever SOMAXCONN is). Both ends of every connection stay open in the worker: in all
2 * conns TCP sockets plus one listener per worker.

Workers: one, unless the hard RLIMIT_NOFILE is too low for 2 * conns descriptors and
cannot be raised (raising it needs CAP_SYS_RESOURCE, which even root may lack in a
container); then the connections are split over as many workers as needed. A worker with
more connections than the ephemeral port range (`net.ipv4.ip_local_port_range`) has ports,
less a margin for the rest of the machine, opens more listeners (each on its own port, so
connects may reuse local ports towards it).

When every connection is up, the parent prints `ready <pid,pid...> <conns> <sockets>
<seconds>` on stdout (the worker pids; sockets counts listeners too) and writes the same
line to --ready-file, if given, through a rename, so a reader never sees half of it. It
then waits until its stdin reaches end of file (when stdin is a pipe or a socket: a file or
a device such as /dev/null or /dev/zero is ignored), or a SIGTERM, SIGINT or SIGHUP
arrives, or --timeout seconds pass (default 600: nothing lingers), and stops the workers.
Workers die with the parent (PR_SET_PDEATHSIG) and have the same timeout. Every socket is
closed with SO_LINGER {on, 0}: an RST instead of a FIN, so no TIME_WAIT entries are left
behind to skew the next run's counts or use up ports.

Usage: python3 bench/conn_load.py [--conns N] [--timeout S] [--ready-file PATH]
"""
import argparse
import ctypes
import os
import resource
import select
import signal
import socket
import stat
import struct
import sys
import time

# Descriptors of a worker besides its sockets: stdio, the interpreter's own, a few spare.
SPARE_FDS = 64
# Ephemeral ports left to the rest of the machine when sizing one listener's share.
PORT_MARGIN = 2000
LINGER_RST = struct.pack("ii", 1, 0)
PR_SET_PDEATHSIG = 1
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


class Stop(Exception):
    """A stop signal or the deadline."""


def on_signal(signum, _frame):
    raise Stop(signal.Signals(signum).name)


def fd_budget():
    """The most descriptors one process may have: the hard RLIMIT_NOFILE, raised first if
    allowed to what `fs.nr_open` permits (root with CAP_SYS_RESOURCE)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        with open("/proc/sys/fs/nr_open") as f:
            nr_open = int(f.read())
    except (OSError, ValueError):
        nr_open = 1 << 20
    if hard == resource.RLIM_INFINITY or hard >= nr_open:
        return nr_open
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, nr_open))
        return nr_open
    except (ValueError, OSError):
        return hard


def raise_soft_nofile(need):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= need:
        return
    resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))


def ephemeral_ports():
    """How many ports `net.ipv4.ip_local_port_range` holds (28,232 by default)."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            lo, hi = (int(x) for x in f.read().split())
        return hi - lo + 1
    except (OSError, ValueError):
        return 28232


def close_rst(sock):
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_RST)
    except OSError:
        pass
    sock.close()


def worker(conns, deadline, report_fd):
    """Runs in a forked child: makes `conns` connections, writes `ok <sockets>` (or
    `error <why>`) to `report_fd`, holds them until a stop signal or the deadline."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    for sig in STOP_SIGNALS:
        signal.signal(sig, on_signal)
    if os.getppid() == 1:  # the parent died before the prctl
        os._exit(0)
    per_listener = max(1000, ephemeral_ports() - PORT_MARGIN)
    n_listeners = max(1, -(-conns // per_listener))
    socks = []
    status = 0
    try:
        raise_soft_nofile(2 * conns + n_listeners + SPARE_FDS)
        listeners = []
        for _ in range(n_listeners):
            lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            socks.append(lst)
            lst.bind(("127.0.0.1", 0))
            lst.listen(socket.SOMAXCONN)
            listeners.append(lst.getsockname())
        for i in range(conns):
            c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            socks.append(c)
            addr = listeners[i // per_listener]
            c.connect(addr)
            s, _ = socks[i // per_listener].accept()
            socks.append(s)
            if time.monotonic() > deadline:
                raise Stop("timeout while connecting")
        os.write(report_fd, f"ok {len(socks)}\n".encode())
        while time.monotonic() < deadline:
            time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
    except Stop:
        pass
    except (OSError, ValueError) as e:
        status = 1
        try:
            os.write(report_fd, f"error after {len(socks)} sockets: {e}\n".encode())
        except OSError:
            pass
    finally:
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)
        for s in socks:
            close_rst(s)
    os._exit(status)


def stdin_is_a_channel():
    """True when stdin is a pipe, a FIFO or a socket: its end of file means the other side
    is done. A regular file or a device (/dev/null, /dev/zero, a terminal) is no channel:
    it is always readable, or at EOF from the start."""
    try:
        mode = os.fstat(0).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def wait_stdin_eof(deadline):
    """Returns why it stopped waiting: stdin reached EOF, or the deadline passed (a stop
    signal raises Stop). Without a channel on stdin, only the signal or the deadline."""
    stdin_ok = stdin_is_a_channel()
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return "timeout"
        if not stdin_ok:
            time.sleep(min(left, 1.0))
            continue
        try:
            r, _, _ = select.select([0], [], [], min(left, 60.0))
        except (OSError, ValueError):
            stdin_ok = False
            continue
        if r:
            try:
                data = os.read(0, 4096)
            except OSError:
                data = b""
            if not data:
                return "stdin closed"


def write_ready(path, line):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(line + "\n")
    os.rename(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--conns", type=int, default=10000,
                    help="loopback connections to make (default 10000)")
    ap.add_argument("--timeout", type=float, default=600.0,
                    help="seconds after which it ends on its own (default 600)")
    ap.add_argument("--ready-file", help="also write the ready line to this file")
    args = ap.parse_args()
    if args.conns < 0:
        sys.exit("conn_load: --conns must be >= 0")
    for sig in STOP_SIGNALS:
        signal.signal(sig, on_signal)

    t0 = time.perf_counter()
    deadline = time.monotonic() + args.timeout
    # Connections per worker: both ends, its listeners and spare descriptors must fit.
    budget = fd_budget()
    per_worker = max(1, (budget - SPARE_FDS - 16) // 2)
    n_workers = max(1, -(-args.conns // per_worker))
    shares = [args.conns // n_workers + (1 if i < args.conns % n_workers else 0)
              for i in range(n_workers)]

    kids = []  # (pid, read end of its report pipe)
    why = "error"
    status = 1
    try:
        for share in shares:
            r, w = os.pipe()
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                os.close(r)
                worker(share, deadline, w)  # never returns
            os.close(w)
            kids.append((pid, r))
        sockets = 0
        for pid, r in kids:
            with os.fdopen(r, "r", closefd=False) as f:
                report = f.readline().strip()
            if not report.startswith("ok "):
                raise OSError(f"worker {pid}: {report or 'died before it was ready'}")
            sockets += int(report.split()[1])
        line = (f"ready {','.join(str(p) for p, _ in kids)} {args.conns} {sockets} "
                f"{time.perf_counter() - t0:.2f}")
        if args.ready_file:
            write_ready(args.ready_file, line)
        print(line, flush=True)
        why = wait_stdin_eof(deadline)
        status = 0
    except Stop as e:
        why = str(e)
        status = 0
    except OSError as e:
        print(f"conn_load: {e}", file=sys.stderr)
    finally:
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)
        for pid, _ in kids:
            try:
                os.kill(pid, signal.SIGTERM)
            except OSError:
                pass
        for pid, r in kids:
            try:
                os.waitpid(pid, 0)
            except OSError:
                pass
            try:
                os.close(r)
            except OSError:
                pass
        if args.ready_file:
            for path in (args.ready_file, args.ready_file + ".tmp"):
                try:
                    os.unlink(path)
                except OSError:
                    pass
    print(f"conn_load: closed {args.conns} connections in {len(kids)} worker(s) ({why})",
          file=sys.stderr)
    sys.exit(status)


if __name__ == "__main__":
    main()
