"""Run the web app on waitress: one process, or several worker processes sharing one listening socket.

waitress serves requests from a pool of threads in one Python process, so one process uses one core
for Python code however many threads it has. ``--workers N`` opens the socket once, forks N workers
that each create their own app (their own store and search handles, opened after the fork) and serve
the shared socket; the kernel hands each connection to one of them. The parent only supervises:
SIGTERM or SIGINT stops every worker, and when one worker dies the others are stopped too, so a
supervisor (systemd, a container runtime) sees the failure.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
from collections.abc import Callable
from typing import Any

BACKLOG = 1024


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (address reuse on, so a restart can bind at once)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=BACKLOG, reuse_port=False)


def _serve_in_this_process(make_app: Callable[[], Any], sock: socket.socket, threads: int) -> None:
    from waitress import serve

    serve(make_app(), sockets=[sock], threads=threads)


def run(make_app: Callable[[], Any], host: str, port: int, threads: int = 8, workers: int = 1) -> int:
    """Serve until interrupted; returns the exit status (0 on a requested stop)."""
    sock = listen(host, port)
    if workers <= 1 or not hasattr(os, "fork"):
        with contextlib.suppress(KeyboardInterrupt):
            _serve_in_this_process(make_app, sock, threads)
        return 0
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # worker
            status = 0
            try:
                # Ctrl-C reaches the whole process group: the parent alone decides, and stops the workers
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                _serve_in_this_process(make_app, sock, threads)
            except BaseException as exc:  # noqa: BLE001 - report and leave without running the parent's code
                print(f"migrakg worker {os.getpid()} stopped: {exc!r}", file=sys.stderr, flush=True)
                status = 1
            finally:
                os._exit(status)
        children.append(pid)
    sock.close()
    stopping = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    status = 0
    remaining = set(children)
    while remaining:
        try:
            pid, wait_status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        remaining.discard(pid)
        if not stopping:  # a worker died on its own: stop the others and report it
            status = 1
            print(f"migrakg worker {pid} exited ({wait_status}); stopping", file=sys.stderr, flush=True)
            stop(signal.SIGTERM, None)
    return status
