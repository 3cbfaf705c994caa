"""The phone's figures: what it downloads to work offline, how fast it opens and saves.

``measure(quick)`` starts the app as the browser tests do (``tests/browser/server.py`` on a
free port, a temporary SQLite file, the demo company) and drives Debian's Chromium through
Playwright, headless, at 390×844, on a profile kept on disk (in the server's temporary
directory), signed in as the demo guard ``guard1``:

1. ``phone precache, gzip, icons aside``: the worker's precache list is read from the
   running server's ``/sw.js`` (``app/phone/routes.py`` fills it in from
   ``app/phone/shell.py``); every URL on it except the PNG/SVG/ICO icons is fetched as the
   worker fetches it (no cookie) and gzipped on its own at level 6; the sizes are summed.
   KB of 1000 bytes.
2. ``phone cold start offline to gate screen, 4× CPU throttle``: after the sign-in (which
   syncs), the worker's install and a sync, the context goes offline and the page is
   closed. Each cold start then opens a new page, stops the service worker (as it is after
   the phone has been idle), sets ``Emulation.setCPUThrottlingRate`` to 4 before any
   navigation and goes to ``/m/gate``. The time is **in the page**: ``performance.now()``
   (whose origin is the navigation's start) at the first DOM change after which the gate
   form's name input exists, is visible and is enabled, found by a ``MutationObserver``
   installed before the page's own scripts, which then says so on the console. Playwright
   waits for that console line (asking nothing of the page, so that none of its own
   scripts run on the throttled thread meanwhile), then for the real element to be
   visible and enabled. The wall time from ``page.goto`` to the console line is in the
   note. Median of 5 (3 in quick).
3. ``phone tap register to saved, p95``: on a fresh, unthrottled page of the gate screen,
   still offline, a visitor's name is typed, a purpose chip tapped and the register button
   tapped, 40 times (10 in quick). In the page, a capturing ``click`` listener on
   ``window`` notes ``performance.now()`` when the tap on ``#checkin-submit`` is
   dispatched, and a ``MutationObserver`` on ``#toast`` notes when the "已保存：… 已登记"
   toast naming that visitor is shown; Playwright's round trips are not in the time.
   p95 by nearest rank. The phone then goes online and syncs with its own client; the
   server's ``visits`` must then hold exactly those visits (by id), else ``RuntimeError``.

``python -m bench.phone [--quick]`` prints the table.
"""
from __future__ import annotations

import argparse
import gzip
import json
import math
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.report import Figure  # noqa: E402
from bench.report import table  # noqa: E402

PRECACHE = "phone precache, gzip, icons aside"
COLD_START = "phone cold start offline to gate screen, 4× CPU throttle"
TAP_TO_SAVED = "phone tap register to saved, p95"
NAMES = (PRECACHE, COLD_START, TAP_TO_SAVED)

GUARD = "guard1"
ICONS = (".png", ".svg", ".ico")
THROTTLE = 4
NAME_INPUT = "#checkin-form input[name=visitor_name]"

# Before the page's own scripts: note when the gate form's name input first becomes usable.
GATE_USABLE_PROBE = """(() => {
  const selector = %s;
  const usable = () => {
    const el = document.querySelector(selector);
    return !!el && !el.disabled && el.checkVisibility();
  };
  const observer = new MutationObserver(() => {
    if (window.__gateUsableAt === undefined && usable()) {
      window.__gateUsableAt = performance.now();
      observer.disconnect();
      console.log(`gate-usable ${window.__gateUsableAt}`);
    }
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
})();""" % json.dumps(NAME_INPUT)

# In the gate page: the time from the tap on "register" to the toast naming the visitor.
TAP_PROBE = """() => {
  window.__tapToSaved = {};
  let pending = null;
  window.addEventListener('click', (event) => {
    if (!(event.target instanceof Element) || !event.target.closest('#checkin-submit')) return;
    const input = document.querySelector(%s);
    pending = { name: input ? input.value.trim() : '', at: performance.now() };
  }, true);
  const toast = document.getElementById('toast');
  new MutationObserver(() => {
    if (pending && !toast.hidden && toast.textContent.includes(pending.name)) {
      window.__tapToSaved[pending.name] = performance.now() - pending.at;
      pending = null;
    }
  }).observe(toast, { attributes: true, childList: true, characterData: true, subtree: true });
}""" % json.dumps(NAME_INPUT)


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def precache_list(base_url: str) -> list[str]:
    """The URLs the worker served at ``/sw.js`` precaches."""
    source = fetch(base_url + "/sw.js").decode("utf-8")
    found = re.search(r"^const PRECACHE = (\[.*\]);$", source, re.MULTILINE)
    if not found:
        raise RuntimeError("no precache list in /sw.js")
    return json.loads(found.group(1))


def precache_sizes(base_url: str) -> dict[str, tuple[int, int]]:
    """Every precached URL but the icons: (bytes, gzipped bytes)."""
    sizes = {}
    for url in precache_list(base_url):
        if url.lower().endswith(ICONS):
            continue
        body = fetch(base_url + url)
        sizes[url] = (len(body), len(gzip.compress(body, compresslevel=6, mtime=0)))
    return sizes


def p95(values: list[float]) -> float:
    """The 95th percentile by nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def cold_start(context) -> tuple[float, float]:
    """One cold start of ``/m/gate``: (ms in the page from navigation start, wall ms)."""
    from playwright.sync_api import expect

    for page in list(context.pages):
        page.close()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("ServiceWorker.enable")
    cdp.send("ServiceWorker.stopAllWorkers")
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": THROTTLE})
    page.add_init_script(GATE_USABLE_PROBE)
    started = time.perf_counter()
    # Nothing is asked of the page until its probe has seen the form: Playwright's own
    # scripts, injected by a wait, would run on the throttled main thread and be counted.
    with page.expect_console_message(lambda m: m.text.startswith("gate-usable"), timeout=60000):
        page.goto("/m/gate", wait_until="commit")
    wall = (time.perf_counter() - started) * 1000
    field = page.locator(NAME_INPUT)
    field.wait_for(state="visible", timeout=60000)
    expect(field).to_be_enabled(timeout=60000)
    in_page = page.evaluate("window.__gateUsableAt")
    if in_page is None:
        raise RuntimeError("the gate form's name input was seen by Playwright but not by the page's probe")
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        raise RuntimeError("the gate screen opened without the service worker")
    return in_page, wall


def register_visitors(context, server, count: int) -> tuple[list[float], list[str]]:
    """``count`` visitors registered offline on the gate screen: the ms from each tap to
    its "saved" toast, and the ids the phone gave the visits."""
    from tests.browser.phone import Phone

    for page in list(context.pages):
        page.close()
    phone = Phone(context.new_page(), server)
    page = phone.page
    phone.open("gate")
    page.evaluate(TAP_PROBE)
    prefix = f"压测{uuid.uuid4().hex[:6]}-"
    names = [f"{prefix}{i:03d}" for i in range(count)]
    for name in names:
        page.fill(NAME_INPUT, name)
        page.click("#checkin-form label[for=purpose-delivery]")
        page.click("#checkin-submit")
        page.locator("#toast:not([hidden])", has_text=name).wait_for(timeout=15000)
    times = page.evaluate("(names) => names.map((n) => window.__tapToSaved[n] ?? null)", names)
    if any(t is None for t in times):
        raise RuntimeError(f"{times.count(None)} of {count} saves were not timed in the page")
    if phone.errors:
        raise RuntimeError(f"errors in the page: {phone.errors}")
    ids = sorted(e["entity_id"] for e in phone.outbox()
                 if e["type"] == "visit.check_in" and e["data"]["visitor_name"].startswith(prefix))
    if len(ids) != count:
        raise RuntimeError(f"{len(ids)} visits in the phone's outbox for {count} registrations")

    # Online again: the app's own triggers sync; its client runs again if they have not.
    context.set_offline(False)
    deadline = time.monotonic() + 60
    while phone.outbox() and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    if phone.outbox() and phone.sync_until_empty():
        raise RuntimeError(f"{len(phone.outbox())} mutations left in the outbox after syncing")
    rows = server.query("SELECT id FROM visits WHERE visitor_name LIKE ?", (prefix + "%",))
    arrived = sorted(row[0] for row in rows)
    if arrived != ids:
        raise RuntimeError(f"the server holds {len(arrived)} visits of this run for {count} registered "
                           f"offline ({len(set(ids) - set(arrived))} missing, "
                           f"{len(set(arrived) - set(ids))} not the phone's)")
    return times, ids


def browser_figures(server, profile: Path, quick: bool) -> dict:
    """The cold starts and the registrations, in one Chromium."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM
    from tests.browser.conftest import CHROMIUM_ARGS
    from tests.browser.conftest import PHONE
    from tests.browser.conftest import TEST_CSP
    from tests.browser.phone import Phone

    with sync_playwright() as playwright:
        # A profile on disk, as on a phone: IndexedDB's strict writes and the worker's cache
        # go to files, not to the memory of an incognito context.
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, viewport=PHONE,
            base_url=server.url, locale="zh-CN", timezone_id="Asia/Shanghai", service_workers="allow",
            **TEST_CSP)
        try:
            phone = Phone(context.pages[0] if context.pages else context.new_page(), server)
            phone.sign_in(GUARD)
            phone.wait_controlled()
            phone.wait_precached()
            phone.sync()
            context.set_offline(True)
            starts = [cold_start(context) for _ in range(3 if quick else 5)]
            taps, _ = register_visitors(context, server, 10 if quick else 40)
        finally:
            context.close()
    return {"starts": starts, "taps": taps}


def _in_own_thread(function, *args):
    """Playwright's sync API refuses to start inside another one (a test's); a thread has none."""
    outcome = {}

    def run():
        try:
            outcome["value"] = function(*args)
        except BaseException as err:  # handed to the caller
            outcome["error"] = err

    thread = threading.Thread(target=run, name="bench-phone")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def measure(quick: bool = False) -> list[Figure]:
    from tests.browser.conftest import LiveServer

    workdir = Path(tempfile.mkdtemp(prefix="estate-phonebench-"))
    server = LiveServer(workdir)
    try:
        server.start()
        sizes = precache_sizes(server.url)
        measured = _in_own_thread(browser_figures, server, workdir / "profile", quick)
    finally:
        server.stop()
        server.log.close()
        shutil.rmtree(workdir, ignore_errors=True)

    gzipped = sum(z for _, z in sizes.values())
    largest = max(sizes, key=lambda url: sizes[url][1])
    in_page = [s[0] for s in measured["starts"]]
    walls = [s[1] for s in measured["starts"]]
    taps = measured["taps"]
    return [
        Figure(PRECACHE, gzipped / 1000, "KB", at_most=250,
               note=f"{len(sizes)} files; largest {largest.rsplit('/', 1)[-1]} {sizes[largest][1] / 1000:.0f} KB"),
        Figure(COLD_START, statistics.median(in_page), "ms", at_most=1000,
               note=f"{len(in_page)} runs {min(in_page):.0f}–{max(in_page):.0f} ms in the page; "
                    f"wall median {statistics.median(walls):.0f} ms"),
        Figure(TAP_TO_SAVED, p95(taps), "ms", at_most=50,
               note=f"{len(taps)} taps, median {statistics.median(taps):.1f} ms, all on the server"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 cold starts and 10 registrations")
    args = parser.parse_args(argv)
    print(table(measure(quick=args.quick)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
