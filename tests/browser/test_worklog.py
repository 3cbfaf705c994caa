"""Sign-in (签到) and the work log (工作日志) on the phone with no network: a manager taps the
big button, adds a note to today, syncs, and the server's database holds both."""
import re
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from tests.browser.phone import Phone


def test_a_manager_signs_in_and_adds_a_note_offline(phone: Phone, live, shots):
    page = phone.page
    phone.sign_in("manager1")
    page.locator("#attendance #sign-in").wait_for()
    phone.offline()
    phone.open("home")
    # Cold start with no network: the card comes from IndexedDB.
    page.locator("#uniform").check()
    page.screenshot(path=str(shots / "worklog-phone-sign-in.png"))
    page.click("#sign-in")
    phone.wait_saved()
    line = page.locator("#attendance-in").inner_text()
    shown = re.search(r"\d\d:\d\d", line).group(0)
    phone_verdict = "late" if "迟到" in line else "on_time"
    assert ("迟到" in line) != ("准时" in line)
    assert page.locator("#sign-out").is_visible()
    text = f"晨会：安排3号楼消防检查{uuid.uuid4().hex[:4]}"
    page.fill("#worklog-text", text)
    page.click("#worklog-add")
    phone.wait_saved()
    assert text in page.locator("#worklog .worklog-notes").inner_text()
    waiting = {e["type"]: e["entity_id"] for e in phone.outbox()}
    assert sorted(waiting) == ["attendance.sign_in", "worklog.note"]
    page.locator("#worklog").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "worklog-phone-note.png"))
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(shots / "worklog-phone-home.png"))

    phone.online()
    assert phone.sync_until_empty() == 0
    ((user, action, verdict, uniform, day, at),) = live.query(
        "SELECT u.username, a.action, a.verdict, a.uniform, a.day, a.at FROM attendance a "
        "JOIN users u ON u.id = a.user_id WHERE a.id = ?", (waiting["attendance.sign_in"],))
    assert (user, action, verdict, uniform) == ("manager1", "in", phone_verdict, 1)
    local = datetime.fromisoformat(str(at)).replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo("Asia/Shanghai"))
    assert local.strftime("%H:%M") == shown and day == local.date().isoformat()
    ((note_id, note_day, added_later),) = live.query(
        "SELECT id, day, added_later FROM worklog_notes WHERE text = ?", (text,))
    assert (note_id, note_day, added_later) == (waiting["worklog.note"], day, 0)
    assert not phone.errors


def test_the_work_log_page_reads_and_prints_on_a4(browser, live, shots):
    """The desk's page at 1440×900 and as printed: the filters and buttons leave the paper."""
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=live.url, locale="zh-CN",
                              timezone_id="Asia/Shanghai")
    try:
        page = ctx.new_page()
        page.goto("/login")
        page.fill("input[name=username]", "manager1")
        page.fill("input[name=password]", "demo1234")
        page.press("input[name=password]", "Enter")
        page.wait_for_url(re.compile(r".*/(review|followups)$"))
        page.goto("/worklog")
        assert page.locator("h1").inner_text().startswith("工作日志")
        page.screenshot(path=str(shots / "worklog-desk.png"), full_page=True)
        page.emulate_media(media="print")
        assert page.locator("#print-worklog").is_hidden() and page.locator(".worklog-filter").is_hidden()
        assert page.locator(".signatures").is_visible()
        page.screenshot(path=str(shots / "worklog-print.png"), full_page=True)
        page.emulate_media(media="screen")
        page.goto("/worklog/attendance")
        page.locator("#attendance").wait_for()
        page.screenshot(path=str(shots / "worklog-attendance.png"), full_page=True)
    finally:
        ctx.close()
