"""My follow-ups: due clocks, and status changes and notes made offline."""
import uuid

from tests.browser.conftest import PHONE
from tests.browser.conftest import TEST_CSP
from tests.browser.images import png
from tests.browser.phone import Phone


def test_status_change_and_note_offline_reach_the_server(phone, browser, live, shots, tmp_path):
    # A manager finds a leak that cannot be fixed on the spot: a repair follow-up is born.
    page = phone.page
    phone.sign_in("manager2")
    phone.open("patrol")
    page.click("#routes li:has-text('日间巡视路线') button[data-route]")
    phone.wait_saved()
    page.click("#add-finding")
    page.click("label[for=category-repair]")
    text = f"水泵房漏水{uuid.uuid4().hex[:4]}"
    page.fill("#finding-form textarea[name=description]", text)
    page.click("label[for=handled-no]")
    picture = tmp_path / "leak.png"
    picture.write_bytes(png(800, 600, (40, 90, 160)))
    page.set_input_files("#finding-form input[type=file]", str(picture))
    page.wait_for_selector("#finding-form .photos img")
    page.click("#finding-submit")
    phone.wait_saved()
    assert phone.sync_until_empty() == 0
    (followup_id,) = live.query("SELECT followup_id FROM findings WHERE description = ?", (text,))[0]
    assert followup_id

    # The repair worker works on it offline, on their own phone.
    own = browser.new_context(viewport=PHONE, base_url=live.url, locale="zh-CN", **TEST_CSP, timezone_id="Asia/Shanghai")
    worker = Phone(own.new_page(), live)
    worker.sign_in("repair2")
    worker.open("followups")
    card = worker.page.locator(f"#mine li[data-followup='{followup_id}']")
    assert "待处理" in card.inner_text()
    assert "巡视发现" in card.locator(".source").inner_text()  # what called for it
    card.locator("summary").click()  # online: the finding's photo comes with the details
    card.locator(".photos img").wait_for()
    assert card.locator(".photos img").evaluate("(img) => img.naturalWidth") == 800
    card.locator("summary").click()
    worker.installed()
    worker.page.context.set_offline(True)
    card.locator("summary").click()
    # What it is about, where, whose, by when, and its story so far: not only buttons.
    facts = card.locator("dl.facts").inner_text()
    assert "巡视发现" in facts and "维修工2" in facts and "截止" in facts
    assert "创建" in card.locator(".timeline li").first.inner_text()
    worker.page.screenshot(path=str(shots / "followup-detail.png"))
    card.locator("button[data-status=in_progress]").click()
    worker.wait_saved()
    card = worker.page.locator(f"#mine li[data-followup='{followup_id}']")
    assert "处理中" in card.inner_text() and "待同步" in card.inner_text()
    card.locator("summary").click()
    card.locator("textarea[name=note]").fill("已关闭总阀，明早换管")
    card.locator(".note-form button[type=submit]").click()
    worker.wait_saved()
    assert [e["type"] for e in worker.outbox()] == ["followup.update", "followup.update"]

    worker.page.context.set_offline(False)
    assert worker.sync_until_empty() == 0
    assert live.query("SELECT status FROM followups WHERE id = ?", (followup_id,)) == [("in_progress",)]
    notes = live.query("SELECT note FROM followup_events WHERE followup_id = ? AND kind = 'note'", (followup_id,))
    assert notes == [("已关闭总阀，明早换管",)]
    worker.open("followups")
    card = worker.page.locator(f"#mine li[data-followup='{followup_id}']")
    assert "处理中" in card.inner_text() and "待同步" not in card.inner_text()
    own.close()


def test_an_overdue_follow_up_is_red(phone):
    page = phone.page
    phone.sign_in("repair1")
    user_id = phone.meta("user")["id"]
    page.evaluate("""(userId) => import('/static/js/lib/refdata.js').then((r) => r.applyChanges([
      { type: 'followup', id: 'f0000000-0000-4000-8000-000000000001', op: 'upsert', version: 1,
        data: { title: '逾期的事', status: 'open', assignee_id: userId,
                due_at: new Date(Date.now() - 3 * 3600 * 1000).toISOString(), notes: [] } },
      { type: 'followup', id: 'f0000000-0000-4000-8000-000000000002', op: 'upsert', version: 1,
        data: { title: '还有时间', status: 'open', assignee_id: userId,
                due_at: new Date(Date.now() + 2 * 3600 * 1000 + 90000).toISOString(), notes: [] } },
      { type: 'followup', id: 'f0000000-0000-4000-8000-000000000003', op: 'upsert', version: 1,
        data: { title: '已经办完', status: 'closed', assignee_id: userId,
                due_at: '2026-11-30T15:59:00Z', notes: [] } },
    ]))""", user_id)
    phone.open("followups")
    late = page.locator("#mine li:has-text('逾期的事')")
    assert "overdue" in late.get_attribute("class")
    assert "已超时 3小时" in late.inner_text()
    fine = page.locator("#mine li:has-text('还有时间')")
    assert "overdue" not in (fine.get_attribute("class") or "")
    assert "剩余 2小时1分" in fine.inner_text()
    color = late.locator(".due").evaluate("(el) => getComputedStyle(el).color")
    assert color == "rgb(185, 28, 28)"
    # A finished one shows no clock, but its due time still says what it is.
    assert page.locator("#mine li:has-text('已经办完') .due").inner_text().startswith("截止 ")
