"""``convene serve``: uvicorn, with the connections shared fairly between worker processes.

With ``--workers N`` uvicorn binds one listening socket in the parent and every worker
accepts from it. An event loop that wakes accepts every pending connection at once, so
clients that connect together (a proxy's pool, a burst of browsers) land on one worker:
8 keep-alive clients against 2 workers were served 7 by one process and 1 by the other,
one core busy and the other idle. On Linux each worker here binds its own socket with
``SO_REUSEPORT`` instead, and the kernel spreads new connections over the workers' queues
by a hash of the connection. A small supervisor starts the workers, restarts one that
dies, and stops them all on SIGINT or SIGTERM. Elsewhere, or with one worker, or with
``--reload``, it is plain ``uvicorn.run``.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from types import FrameType

APP = "convene.asgi:app"
STARTUP_FAILURE = 3  # uvicorn's exit code when the application cannot start
RESTART_LIMIT = 5  # deaths within RESTART_WINDOW seconds before the supervisor gives up
RESTART_WINDOW = 60.0

log = logging.getLogger("convene.serve")


@dataclass(frozen=True)
class ServeOptions:
    host: str
    port: int
    log_level: str
    proxy_headers: bool = True


def reuse_port_supported() -> bool:
    """Whether the kernel balances connections between sockets sharing a port (Linux)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def listening_socket(host: str, port: int, *, reuse_port: bool) -> socket.socket:
    """A socket bound to ``host:port`` and listening; joined to the port's group if asked."""
    sock = socket.socket(_family(host), socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def check_port_free(host: str, port: int) -> None:
    """Raise OSError if something else listens on ``host:port``.

    A socket without SO_REUSEPORT cannot bind a port another socket holds, so this also
    refuses to join an unrelated program's SO_REUSEPORT group on the same port.
    """
    listening_socket(host, port, reuse_port=False).close()


def run_worker(options: ServeOptions) -> None:
    """One worker process: its own socket in the port's group, one uvicorn server."""
    import uvicorn

    sock = listening_socket(options.host, options.port, reuse_port=True)
    config = uvicorn.Config(APP, log_level=options.log_level, proxy_headers=options.proxy_headers)
    uvicorn.Server(config).run(sockets=[sock])


class Supervisor:
    """Starts ``workers`` processes, restarts the ones that die, stops them on a signal."""

    def __init__(self, options: ServeOptions, workers: int) -> None:
        self.options = options
        self.workers = workers
        self.context = multiprocessing.get_context("spawn")
        self.stopping = threading.Event()
        self.processes: list[BaseProcess] = []
        self.deaths: list[float] = []

    def _start(self) -> BaseProcess:
        process = self.context.Process(
            target=run_worker, args=(self.options,), name="convene-worker"
        )
        process.start()
        log.info("started worker %s", process.pid)
        return process

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        self.stopping.set()

    def run(self) -> int:
        """Supervise until a signal or until workers keep dying; the exit status."""
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._on_signal)
        self.processes = [self._start() for _ in range(self.workers)]
        status = 0
        while not self.stopping.wait(0.5):
            for index, process in enumerate(self.processes):
                if process.is_alive():
                    continue
                if process.exitcode == STARTUP_FAILURE:
                    log.error("worker %s could not start the application", process.pid)
                    self.stopping.set()
                    status = STARTUP_FAILURE
                    break
                now = time.monotonic()
                self.deaths = [t for t in self.deaths if now - t < RESTART_WINDOW] + [now]
                if len(self.deaths) > RESTART_LIMIT:
                    log.error(
                        "%d workers died within %.0f s; stopping", len(self.deaths), RESTART_WINDOW
                    )
                    self.stopping.set()
                    status = 1
                    break
                log.warning("worker %s exited with %s; restarting", process.pid, process.exitcode)
                self.processes[index] = self._start()
        self.stop()
        return status

    def stop(self) -> None:
        for process in self.processes:
            if process.is_alive():
                process.terminate()
        deadline = time.monotonic() + 30
        for process in self.processes:
            process.join(timeout=max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()


def serve(options: ServeOptions, *, workers: int, reload: bool) -> int:
    """Serve the application; returns the exit status."""
    if workers == 1 or reload or not reuse_port_supported():
        import uvicorn

        uvicorn.run(
            APP,
            host=options.host,
            port=options.port,
            workers=workers,
            reload=reload,
            proxy_headers=options.proxy_headers,
            log_level=options.log_level,
        )
        return 0
    check_port_free(options.host, options.port)
    return Supervisor(options, workers).run()
