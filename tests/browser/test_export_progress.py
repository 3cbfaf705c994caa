"""A large export at the desk (1440×900): 3,000 visits of one day, made by a factory straight
into the server's database, exported as CSV and as Excel from the visitors' list. The link
is fetched by static/js/desk/exports.js, the progress shows beside it, the file is saved
under the server's name and read back row by row; a failed export says so in Chinese and
the page stays. Run with the Content-Security-Policy in force."""
import csv
import io
import re
import sqlite3
import uuid
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import openpyxl
import pytest

CST = ZoneInfo("Asia/Shanghai")
DESK = {"width": 1440, "height": 900}
MANY = 3000


def make_visits(live, site_id: str, user_id: str, day, count: int, tag: str) -> None:
    """``count`` closed visits on the site-local ``day``, a few seconds apart, written as the
    sync engine stores them (no phone or ID number, so nothing to seal)."""
    start = datetime(day.year, day.month, day.day, 7, 0, tzinfo=CST).astimezone(timezone.utc).replace(tzinfo=None)
    rows = []
    for n in range(count):
        at = start + timedelta(seconds=12 * n)
        out = at + timedelta(minutes=20)
        name = f"访客{tag}-{n:04d}"
        rows.append((name, "delivery", 1, f"{1 + n % 9}-1-{101 + n % 20}", at, at, out, out, user_id, out,
                     site_id, user_id, at, 1, out, str(uuid.uuid4()), f"{name}{1 + n % 9}-1-{101 + n % 20}"))
    with sqlite3.connect(live.db, timeout=10) as conn:
        conn.executemany(
                "INSERT INTO visits (visitor_name, purpose, party_size, unit, checked_in_at, checked_in_at_phone, "
            "checked_out_at, checked_out_at_phone, checked_out_by, checked_out_received_at, site_id, user_id, "
            "received_at, version, updated_at, id, search_text) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [tuple(v.isoformat(sep=" ") if isinstance(v, datetime) else v for v in row) for row in rows])


@pytest.fixture()
def crowd(live):
    """A day five weeks ago at 翠湖花园 with 3,000 visitors, and the list's address for it."""
    tag = uuid.uuid4().hex[:4]
    (site,), = live.query("SELECT id FROM sites WHERE name = '翠湖花园'")
    (guard,), = live.query("SELECT id FROM users WHERE username = 'guard1'")
    day = datetime.now(CST).date() - timedelta(days=35)
    make_visits(live, site, guard, day, MANY, tag)
    return f"/gate/visits?site={site}&from={day}&to={day}&q=访客{tag}", tag, day


@pytest.fixture()
def desk(browser, live):
    ctx = browser.new_context(viewport=DESK, base_url=live.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                              accept_downloads=True)
    page = ctx.new_page()
    page.goto("/login")
    page.fill("input[name=username]", "supervisor1")
    page.fill("input[name=password]", "demo1234")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(re.compile(r".*/(review|followups)$"))
    yield page
    ctx.close()


def test_a_large_csv_and_xlsx_download_with_their_progress(desk, live, crowd, shots):
    path, tag, day = crowd
    desk.goto(path)
    csv_link = desk.locator(".exports a[data-export]", has_text="导出 CSV")
    # Every text the progress shows, as it is set (each setting adds a new text node).
    desk.evaluate("""() => { window.seen = []; new MutationObserver((records) => records.forEach((r) =>
        r.addedNodes.forEach((n) => n.nodeType === 3 && window.seen.push(n.data)))).observe(document.body,
        {childList: true, subtree: true}); }""")
    with desk.expect_download() as waiting:
        csv_link.click()
        progress = desk.locator(".exports .export-progress")
        progress.wait_for()  # it appears beside the link while the rows arrive
    download = waiting.value
    assert download.suggested_filename == f"访客_翠湖花园_{day}_{day}.csv"
    desk.locator(".export-progress.finished").wait_for()
    assert progress.inner_text() == f"已保存 {MANY:,} 行：{download.suggested_filename}"
    assert unquote(desk.url).endswith(path)  # the page stayed
    seen = desk.evaluate("window.seen")
    counted = [int(m.group(1).replace(",", "")) for m in map(re.compile(r"正在导出… ([\d,]+) / 3,000 行").fullmatch,
                                                             seen) if m]
    assert counted and counted == sorted(counted) and counted[-1] <= MANY, seen
    text = download.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "进入" and len(rows) == MANY + 1
    names = sorted(r[rows[0].index("访客")] for r in rows[1:])
    assert names == [f"访客{tag}-{n:04d}" for n in range(MANY)]
    desk.screenshot(path=str(shots / "export-progress-csv.png"))

    xlsx_link = desk.locator(".exports a[data-export]", has_text="导出 Excel")
    with desk.expect_download() as waiting:
        xlsx_link.click()
    download = waiting.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = desk.locator(".exports .export-progress.finished", has_text=download.suggested_filename)
    saved.wait_for()
    assert saved.inner_text() == f"已保存：{download.suggested_filename}"
    ws = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True).worksheets[0]
    lines = list(ws.iter_rows(values_only=True))
    assert lines[0][0] == "进入" and len(lines) == MANY + 1
    assert isinstance(lines[1][0], datetime) and lines[1][0].date() == day


def test_a_failed_export_says_so_and_the_page_stays(desk, live):
    """An error answer, then the server gone: no file, a message in Chinese, the list still there."""
    desk.goto("/gate/visits")
    link = desk.locator(".exports a[data-export]", has_text="导出 CSV")
    link.evaluate("a => { a.dataset.href = a.href; a.href = '/gate/visits/no-such-visit?format=csv'; }")
    link.click()
    failed = desk.locator(".exports .export-progress.failed")
    failed.wait_for()
    assert failed.inner_text() == "导出失败（错误 404），未保存任何文件，请重试。"
    link.evaluate("a => { a.href = a.dataset.href; }")
    live.stop()
    try:
        link.click()
        desk.locator(".exports .export-progress.failed", has_text="无法连接服务器").wait_for()
        assert failed.inner_text() == "导出失败：无法连接服务器，未保存任何文件，请重试。"
        assert "gate/visits" in desk.url and desk.locator("table").first.is_visible()
    finally:
        live.start()
