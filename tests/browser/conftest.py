"""A real Convene for the browser tests: the demo network in a temporary SQLite database,
served by ``convene serve`` in a subprocess, driven by Playwright with Debian's Chromium.

Everything is made with the real CLI (``db upgrade``, ``seed --demo``, ``match refresh``,
``users reset-password``), once per run. When a test fails, every page it opened is saved
as a screenshot in ``test-artifacts/``.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.servers import serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CONVENE = str(Path(sys.executable).parent / "convene")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
STARTUP_SECONDS = 30

# the demo's member accounts (seed.py: the first contact of these organisations)
MEMBERS = {
    "hoogveld-stone": "sophie.brouwer.hoogveldstone@example.org",
    "dommel-apparel": "thijs.schouten.dommelapparel@example.org",
    "arisa": "amina.kamau.arisa@example.org",
    "fnv-mondiaal": "farhana.rahman.fnvmondiaal@example.org",
}
COORDINATOR = "coordinator@example.org"


@dataclass
class Server:
    url: str
    passwords: dict[str, str]
    log: Path
    env: dict[str, str] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def cli(server: Server, *args: str) -> str:
    """Run ``convene`` against the test server's database."""
    return _cli(server.env, *args)


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [CONVENE, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if done.returncode:
        pytest.fail(f"`convene {' '.join(args)}` failed: {done.stderr.strip()[-2000:]}")
    return done.stdout


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The demo network served over HTTP on a free port."""
    tmp = tmp_path_factory.mktemp("browser")
    env = {
        **os.environ,
        "CONVENE_DATABASE_URL": f"sqlite:///{tmp / 'convene.db'}",
        "CONVENE_MAIL_URL": f"file://{tmp / 'outbox'}",
        "CONVENE_SECRET_KEY_FILE": str(tmp / "secret"),
        "CONVENE_LOG_LEVEL": "WARNING",
    }
    port = _free_port()
    env["CONVENE_BASE_URL"] = f"http://127.0.0.1:{port}"
    _cli(env, "db", "upgrade")
    _cli(env, "seed", "--demo")
    _cli(env, "match", "refresh")
    passwords = {}
    for email in (*MEMBERS.values(), COORDINATOR):
        out = _cli(env, "users", "reset-password", email)
        found = re.search(r"new password for \S+: (\S+)", out)
        assert found, out
        passwords[email] = found.group(1)
    log = tmp / "serve.log"
    with serving(port, env, log, startup=STARTUP_SECONDS) as url:
        yield Server(url, passwords, log, env)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium through Playwright (no downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium "
            "(apt-get install chromium); .ci/run installs it"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


class Pages:
    """Opens browser contexts (one per person) and remembers their pages for screenshots."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.contexts: list[Any] = []
        self.opened: list[tuple[str, Any]] = []

    def new(
        self,
        name: str,
        *,
        locale: str = "en-GB",
        width: int = 1280,
        height: int = 900,
        storage_state: Any = None,
    ) -> Any:
        context = self.browser.new_context(
            base_url=self.base_url,
            locale=locale,
            viewport={"width": width, "height": height},
            storage_state=storage_state,
        )
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        self.opened.append((name, page))
        return page

    def screenshots(self, prefix: str) -> list[Path]:
        ARTIFACTS.mkdir(exist_ok=True)
        saved = []
        for name, page in self.opened:
            if page.is_closed():
                continue
            path = ARTIFACTS / f"{prefix}-{name}.png"
            try:
                page.screenshot(path=str(path), full_page=True)
            except Exception:  # noqa: BLE001 - a failed screenshot must not hide the failure
                continue
            saved.append(path)
        return saved

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(chromium: Any, server: Server) -> Iterator[Pages]:
    opened = Pages(chromium, server.url)
    yield opened
    opened.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[None]:
    """On a failure, a screenshot of every page the test had open, and the server's log."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.when != "call" or not report.failed:
        return
    opened = getattr(item, "funcargs", {}).get("pages")
    prefix = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name)
    if isinstance(opened, Pages):
        saved = opened.screenshots(prefix)
        report.sections.append(("screenshots", "\n".join(str(p) for p in saved) or "none"))
    running = getattr(item, "funcargs", {}).get("server")
    if isinstance(running, Server) and running.log.exists():
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy(running.log, ARTIFACTS / f"{prefix}-serve.log")
