"""``convene serve``: uvicorn, with the connections dealt evenly to the worker processes.

With ``--workers N`` uvicorn binds one listening socket in the parent and every worker
accepts from it. An event loop that wakes accepts every pending connection at once, so
clients that connect together (a proxy's pool, a burst of browsers) land on one worker:
8 keep-alive clients against 2 workers were served 7 by one process and 1 by the other,
one core busy and the other idle. Per-worker ``SO_REUSEPORT`` sockets were better but
still a coin toss per connection (6 against 2 in one run of three).

So, as Node's cluster module does, the supervisor here accepts every connection itself
and hands it to the workers in turn, passing the file descriptor over a Unix socket
(``SCM_RIGHTS``); each worker runs one uvicorn server that has no listening socket of its
own and serves the connections it is given. The supervisor also restarts a worker that
dies and stops them all on SIGINT or SIGTERM. With one worker, with ``--reload``, or
where file descriptors cannot be passed, it is plain ``uvicorn.run``.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import selectors
import signal
import socket
import sys
import time
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

import uvicorn

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


def dealing_supported() -> bool:
    """Whether connections can be handed to worker processes (Unix, Python 3.9+)."""
    return sys.platform != "win32" and hasattr(socket, "send_fds")


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` and listening."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


# --------------------------------------------------------------------------- worker


def run_worker(options: ServeOptions, channel: socket.socket) -> None:
    """One worker process: a uvicorn server fed with connections from ``channel``."""
    config = uvicorn.Config(APP, log_level=options.log_level, proxy_headers=options.proxy_headers)
    DealtServer(config, channel).run()


class DealtServer(uvicorn.Server):
    """uvicorn's Server, started with no listening socket, serving dealt connections.

    Built on the protocol factory uvicorn itself uses (``config.http_protocol_class`` with
    the server's state), so requests, keep-alive, limits and graceful shutdown are
    uvicorn's own; tests/test_serving.py runs it for real.
    """

    def __init__(self, config: uvicorn.Config, channel: socket.socket) -> None:
        super().__init__(config)
        self.channel = channel

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=[])
        if self.should_exit:
            return
        loop = asyncio.get_running_loop()

        def protocol() -> asyncio.Protocol:
            made: asyncio.Protocol = self.config.http_protocol_class(  # type: ignore[call-arg]
                config=self.config,
                server_state=self.server_state,
                app_state=self.lifespan.state,
                _loop=loop,
            )
            return made

        self.channel.setblocking(False)
        loop.add_reader(self.channel.fileno(), _receive, loop, self.channel, protocol, self)


def _receive(
    loop: asyncio.AbstractEventLoop, channel: socket.socket, protocol: Any, server: Any
) -> None:
    try:
        _, fds, _, _ = socket.recv_fds(channel, 1, 64)
    except BlockingIOError:
        return
    except OSError:
        fds = []
    if not fds:  # the supervisor is gone: finish what is in flight and stop
        loop.remove_reader(channel.fileno())
        server.should_exit = True
        return
    for fd in fds:
        conn = socket.socket(fileno=fd)
        conn.setblocking(False)
        task = loop.create_task(loop.connect_accepted_socket(protocol, conn))
        task.add_done_callback(_log_failure)


def _log_failure(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("could not serve a connection: %s", task.exception())


# --------------------------------------------------------------------------- supervisor


@dataclass
class _Worker:
    process: BaseProcess
    channel: socket.socket


@dataclass
class Supervisor:
    """Accepts connections, deals them round-robin, keeps ``workers`` processes alive."""

    options: ServeOptions
    workers: int
    listener: socket.socket
    stopping: bool = False
    status: int = 0
    pool: list[_Worker] = field(default_factory=list)
    deaths: list[float] = field(default_factory=list)
    turn: int = 0

    def _start(self) -> _Worker:
        context = multiprocessing.get_context("spawn")
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        process = context.Process(
            target=run_worker, args=(self.options, theirs), name="convene-worker"
        )
        process.start()
        theirs.close()
        log.info("started worker %s", process.pid)
        return _Worker(process, mine)

    def _on_signal(self, _signum: int, _frame: FrameType | None) -> None:
        self.stopping = True

    def run(self) -> int:
        """Serve until a signal, or until workers keep dying; the exit status."""
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._on_signal)
        self.pool = [self._start() for _ in range(self.workers)]
        self.listener.setblocking(False)
        with selectors.DefaultSelector() as selector:
            selector.register(self.listener, selectors.EVENT_READ)
            while not self.stopping:
                if selector.select(timeout=0.5):
                    self._deal()
                self._check_workers()
        self.stop()
        return self.status

    def _deal(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # e.g. out of file descriptors: keep serving the rest
                log.warning("accept failed: %s", exc)
                return
            with conn:
                for _ in range(len(self.pool)):
                    worker = self.pool[self.turn % len(self.pool)]
                    self.turn += 1
                    try:
                        socket.send_fds(worker.channel, [b"c"], [conn.fileno()])
                        break
                    except OSError:
                        continue  # that worker is gone; _check_workers replaces it
                else:
                    log.error("no worker could take a connection")

    def _check_workers(self) -> None:
        for index, worker in enumerate(self.pool):
            if worker.process.is_alive():
                continue
            worker.channel.close()
            if worker.process.exitcode == STARTUP_FAILURE:
                log.error("worker %s could not start the application", worker.process.pid)
                self.stopping, self.status = True, STARTUP_FAILURE
                return
            now = time.monotonic()
            self.deaths = [t for t in self.deaths if now - t < RESTART_WINDOW] + [now]
            if len(self.deaths) > RESTART_LIMIT:
                log.error("%d workers died within %.0f s; stopping", len(self.deaths),
                          RESTART_WINDOW)  # fmt: skip
                self.stopping, self.status = True, 1
                return
            log.warning(
                "worker %s exited with %s; restarting", worker.process.pid, worker.process.exitcode
            )
            self.pool[index] = self._start()

    def stop(self) -> None:
        self.listener.close()
        for worker in self.pool:
            if worker.process.is_alive():
                worker.process.terminate()  # uvicorn finishes the requests in flight
        deadline = time.monotonic() + 30
        for worker in self.pool:
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.channel.close()


def serve(options: ServeOptions, *, workers: int, reload: bool) -> int:
    """Serve the application; returns the exit status."""
    if workers == 1 or reload or not dealing_supported():
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
    listener = listening_socket(options.host, options.port)
    return Supervisor(options, workers, listener).run()
