"""Browser tests: the real app in a subprocess, Debian's Chromium through Playwright.

The server runs from ``tests/browser/server.py`` on http://localhost:<port> (a secure
context, so service workers work) with its own SQLite file; tests stop and start it to
take the network away, and flip its fault switch. Screenshots go to
``test-artifacts/screenshots/``.
"""
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
SHOTS = ROOT / "test-artifacts" / "screenshots"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
# Playwright's waits evaluate strings, which the app's Content-Security-Policy forbids; the
# phone's own code needs no exception (tests/integration/test_security_headers.py), and
# the desk pages are checked with the policy in force (tests/browser/test_office.py).
TEST_CSP = {"bypass_csp": True}


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)
            if not Path(CHROMIUM).exists():
                item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} is not installed"))


def free_port() -> int:
    """Any free port, or the first free one of ``ESTATE_TEST_PORTS`` (e.g. ``5300-5319``) on
    a machine where test servers must keep to a range."""
    first, _, last = os.environ.get("ESTATE_TEST_PORTS", "").partition("-")
    candidates = range(int(first), int(last or first) + 1) if first else [0]
    for port in candidates:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError(f"no free port in ESTATE_TEST_PORTS={os.environ['ESTATE_TEST_PORTS']}")


class LiveServer:
    """The app as a real process; ``stop()`` is a network outage as the phone sees it."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://localhost:{self.port}"
        self.db = workdir / "server.db"
        self.process = None
        self.log = open(workdir / "server.log", "ab")

    def start(self):
        env = dict(os.environ, PYTHONUNBUFFERED="1", SECRET_KEY="browser-test-secret")
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).parent / "server.py"), "--port", str(self.port),
             "--db", str(self.db), "--instance", str(self.workdir)],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the test server exited; see {self.workdir / 'server.log'}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the test server did not start in 60 s")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def control(self, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body or {}).encode()
        request = urllib.request.Request(self.url + "/__test__/" + path, data=data, method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def faults(self, every: int = 0, mode: str = "fail", delay: float = 3.0) -> dict:
        return self.control("faults", {"every": every, "mode": mode, "delay": delay})

    def query(self, sql: str, params=()) -> list:
        with sqlite3.connect(self.db, timeout=10) as conn:
            return conn.execute(sql, params).fetchall()


@pytest.fixture(scope="session")
def server():
    workdir = Path(tempfile.mkdtemp(prefix="estate-browser-"))
    live = LiveServer(workdir)
    live.start()
    yield live
    live.stop()
    live.log.close()
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture()
def live(server):
    """The server, running and without faults, whatever the previous test left."""
    if not server.running:
        server.start()
    server.faults(0)
    yield server
    if not server.running:
        server.start()
    server.faults(0)


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture()
def context(browser, live):
    ctx = browser.new_context(viewport=PHONE, base_url=live.url, locale="zh-CN", **TEST_CSP,
                              timezone_id="Asia/Shanghai", service_workers="allow")
    yield ctx
    ctx.close()


@pytest.fixture()
def phone(context, live):
    from tests.browser.phone import Phone

    return Phone(context.new_page(), live)


@pytest.fixture()
def shots():
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


@pytest.fixture()
def axe_source():
    return AXE


@pytest.fixture()
def launch_profile(playwright_instance, live, tmp_path):
    """Launch Chromium on a profile kept on disk (not incognito); call again to restart it."""
    profile = tmp_path / "profile"
    opened = []

    def launch(offline: bool = False):
        ctx = playwright_instance.chromium.launch_persistent_context(
            str(profile), **TEST_CSP, executable_path=CHROMIUM, args=CHROMIUM_ARGS, viewport=PHONE,
            base_url=live.url, locale="zh-CN", timezone_id="Asia/Shanghai", offline=offline)
        opened.append(ctx)
        return ctx

    yield launch
    for ctx in opened:
        try:
            ctx.close()
        except Exception:  # already closed or its browser was killed on purpose
            pass
