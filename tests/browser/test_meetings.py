"""A morning meeting (晨会) on the phone with no network: a manager opens the form, is
refused with nothing ticked, ticks two people, writes the assignments and yesterday's
summary, saves, goes online and syncs; the server's database holds the meeting with its
attendees, and the desk prints it as 《晨会记录》."""
import json
import re

from tests.browser.phone import Phone


def test_a_manager_records_a_morning_meeting_offline(phone: Phone, live, shots, browser):
    page = phone.page
    phone.sign_in("manager1")
    page.locator("#meeting #meeting-open").wait_for()
    phone.offline()
    phone.open("home")
    page.click("#meeting-open")
    # nothing ticked, nothing written: refused on the phone, in Chinese, and nothing waits
    page.click("#meeting-save")
    text = page.locator("#meeting").inner_text()
    assert "请勾选参会人员" in text and "请填写今日工作安排" in text
    assert phone.outbox() == []
    page.locator("#meeting-attendees label", has_text="保安1号").click()
    page.locator("#meeting-attendees label", has_text="保洁员1").click()
    page.fill("#meeting-absent_note", "维修工1请假")
    page.fill("#meeting-assignments", "3号楼漏水跟进；东门加强登记")
    page.fill("#meeting-yesterday_summary", "昨日巡视无异常")
    page.locator("#meeting").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "meetings-phone.png"), full_page=True)
    page.click("#meeting-save")
    phone.wait_saved()
    waiting = {e["type"]: e for e in phone.outbox()}
    assert list(waiting) == ["meeting.record"]
    held = page.locator("#meeting-held").inner_text()
    assert "晨会" in held and "2 人" in held  # today's meeting listed under the folded form
    page.locator("#meeting").screenshot(path=str(shots / "meetings-phone-saved.png"))

    phone.online()
    assert phone.sync_until_empty() == 0
    entity = waiting["meeting.record"]["entity_id"]
    ((chair, kind, attendees, assignments, absent),) = live.query(
        "SELECT u.username, m.kind, m.attendee_ids, m.assignments, m.absent_note FROM meetings m "
        "JOIN users u ON u.id = m.chaired_by WHERE m.id = ?", (entity,))
    attendees = json.loads(attendees) if isinstance(attendees, str) else attendees
    names = {row[0]: row[1] for row in live.query("SELECT id, display_name FROM users")}
    assert (chair, kind, assignments, absent) == ("manager1", "morning", "3号楼漏水跟进；东门加强登记", "维修工1请假")
    assert sorted(names[i] for i in attendees) == ["保安1号", "保洁员1"]
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
        desk.goto("/meetings")
        assert entity in desk.content()
        desk.screenshot(path=str(shots / "meetings-desk.png"), full_page=True)
        desk.goto(f"/meetings/{entity}")
        assert "晨会记录" in desk.locator("h1").inner_text()
        assert "保安1号" in desk.locator("#attendees").inner_text()
        desk.emulate_media(media="print")
        assert desk.locator("#print-meeting").is_hidden() and desk.locator(".signatures").is_visible()
        desk.screenshot(path=str(shots / "meetings-print.png"), full_page=True)
    finally:
        ctx.close()
