"""A daily report (日清) on the phone with no network: a manager writes one, is refused a
weekly summary named by a Tuesday, saves, syncs, and the server's database holds it; the
desk's month shows it and it prints as 《日清表》."""
import re
from datetime import date
from datetime import timedelta

from tests.browser.phone import Phone


def test_a_manager_files_a_daily_report_offline(phone: Phone, live, shots, browser):
    page = phone.page
    phone.sign_in("manager1")
    page.locator("#report #report-write").wait_for()
    phone.offline()
    phone.open("home")
    page.click("#report-write")  # folded on the home screen until opened
    page.locator("#report-done").wait_for()
    # nothing written: refused on the phone, in Chinese, and nothing waits
    page.click("#report-save")
    assert "请填写完成的工作" in page.locator("#report").inner_text()
    assert phone.outbox() == []
    # a weekly summary must be named by its Monday
    page.select_option("#report-kind", "weekly")
    monday = date.fromisoformat(page.input_value("#report-period"))
    assert monday.weekday() == 0
    page.fill("#report-period", (monday + timedelta(days=1)).isoformat())
    page.fill("#report-done", "本周工作")
    page.click("#report-save")
    assert "周总结的日期须为该周的周一" in page.locator("#report").inner_text()
    assert phone.outbox() == []
    # the day's report: changing the kind takes the week's complaint away
    page.select_option("#report-kind", "daily")
    assert "周总结的日期须为该周的周一" not in page.locator("#report").inner_text()
    day = page.input_value("#report-period")
    page.fill("#report-done", "巡视全部区域，3栋漏水已报修")
    page.fill("#report-open-items", "3栋电梯待修")
    page.fill("#report-plan", "跟进电梯维修")
    page.locator("#report").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "manager-reports-phone.png"))
    page.click("#report-save")
    phone.wait_saved()
    waiting = {e["type"]: e["entity_id"] for e in phone.outbox()}
    assert list(waiting) == ["report.submit"]

    phone.online()
    assert phone.sync_until_empty() == 0
    ((writer, kind, period, done, open_items, plan),) = live.query(
        "SELECT u.username, r.kind, r.period, r.done, r.open_items, r.plan FROM manager_reports r "
        "JOIN users u ON u.id = r.user_id WHERE r.id = ?", (waiting["report.submit"],))
    assert (writer, kind, str(period)[:10], done, open_items, plan) == (
        "manager1", "daily", day, "巡视全部区域，3栋漏水已报修", "3栋电梯待修", "跟进电梯维修")
    assert not phone.errors

    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=live.url, locale="zh-CN",
                              timezone_id="Asia/Shanghai")
    try:
        desk = ctx.new_page()
        desk.goto("/login")
        desk.fill("input[name=username]", "manager1")
        desk.fill("input[name=password]", "demo1234")
        desk.press("input[name=password]", "Enter")
        desk.wait_for_url(re.compile(r".*/(review|followups)$"))
        desk.goto(f"/manager-reports?month={day[:7]}")
        assert waiting["report.submit"] in desk.content()
        desk.screenshot(path=str(shots / "manager-reports-month.png"), full_page=True)
        desk.goto(f"/manager-reports/{waiting['report.submit']}")
        assert "日清表" in desk.locator("h1").inner_text()
        desk.emulate_media(media="print")
        assert desk.locator("#print-report").is_hidden() and desk.locator(".signatures").is_visible()
        desk.screenshot(path=str(shots / "manager-reports-print.png"), full_page=True)
    finally:
        ctx.close()
