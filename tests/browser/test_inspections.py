"""A staff inspection (书面考核) on the phone with no network: a manager picks the cleaner,
marks one item not ok, scores, saves, syncs, and the server's database holds it; the
desk's week shows it, and one inspection prints as 《服务过程检验单》."""
import json
import re

from tests.browser.phone import Phone


def test_a_manager_records_an_inspection_offline(phone: Phone, live, shots, browser):
    page = phone.page
    phone.sign_in("manager1")
    page.locator("#inspection #inspection-open").wait_for()
    phone.offline()
    phone.open("home")
    page.click("#inspection-open")  # folded on the home screen until opened
    page.locator("#inspection-person").wait_for()
    # nothing chosen: refused on the phone, in Chinese, and nothing waits
    page.click("#inspection-save")
    assert "请选择被考核人" in page.locator("#inspection").inner_text()
    assert phone.outbox() == []
    page.select_option("#inspection-person", label="保洁员1")
    page.locator('input[data-item="bins"]').uncheck()
    page.fill("#inspection-score", "101")
    page.click("#inspection-save")
    assert "请填写0到100的分数" in page.locator("#inspection").inner_text()
    page.fill("#inspection-score", "78")
    assert "请填写0到100的分数" not in page.locator("#inspection").inner_text()  # gone once corrected
    page.fill("#inspection-notes", "垃圾桶未及时清运")
    page.locator("#inspection").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "inspections-phone.png"))
    page.click("#inspection-save")
    phone.wait_saved()
    waiting = {e["type"]: e["entity_id"] for e in phone.outbox()}
    assert list(waiting) == ["inspection.record"]

    phone.online()
    assert phone.sync_until_empty() == 0
    ((inspector, person, score, checklist, notes),) = live.query(
        "SELECT u.username, p.username, i.score, i.checklist, i.notes FROM inspections i "
        "JOIN users u ON u.id = i.user_id JOIN users p ON p.id = i.person_id WHERE i.id = ?",
        (waiting["inspection.record"],))
    checklist = json.loads(checklist) if isinstance(checklist, str) else checklist
    assert (inspector, person, score, notes) == ("manager1", "clean1", 78, "垃圾桶未及时清运")
    assert checklist["bins"] is False and sum(checklist.values()) == 4
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
        desk.goto("/inspections")
        assert waiting["inspection.record"] in desk.content()
        desk.screenshot(path=str(shots / "inspections-desk.png"), full_page=True)
        desk.goto(f"/inspections/{waiting['inspection.record']}")
        assert "服务过程检验单" in desk.locator("h1").inner_text()
        desk.screenshot(path=str(shots / "inspections-form.png"), full_page=True)
        desk.emulate_media(media="print")
        assert desk.locator("#print-inspection").is_hidden() and desk.locator(".signatures").is_visible()
        desk.screenshot(path=str(shots / "inspections-print.png"), full_page=True)
    finally:
        ctx.close()
