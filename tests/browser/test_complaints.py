"""Complaints on the phone with no network: the desk's assistant takes one down and records
the contact with an agreed reply time; what reached the server is checked in its database."""
import json
import re
import uuid

from tests.browser.images import png

from tests.browser.phone import Phone


def test_a_clerk_takes_a_complaint_and_contacts_the_owner_offline(phone: Phone, live, shots, tmp_path):
    page = phone.page
    phone.sign_in("clerk1")
    assert phone.page.locator(".tabs a[data-screen=complaints]").is_visible()
    assert phone.page.locator(".tabs a[data-screen=gate]").is_hidden()
    phone.open("complaints")
    phone.offline()
    phone.open("complaints")
    page.locator("#complaint-intake").evaluate("(d) => { d.open = true; }")
    # An empty form: the errors beside their fields, nothing saved.
    page.click("#complaint-form button[type=submit]")
    page.locator("#complaint-form #error-description").wait_for()
    assert phone.outbox() == []
    text = f"楼道灯坏了三天{uuid.uuid4().hex[:4]}"
    page.click("label[for=channel-phone]")
    page.fill("#complaint-form input[name=unit]", "3-2-501")
    page.click("label[for=category-repair]")
    page.fill("#complaint-form textarea[name=description]", text)
    page.fill("#complaint-form input[name=owner_name]", "李女士")
    page.fill("#complaint-form input[name=owner_phone]", "13912345678")
    page.click("#complaint-form button[type=submit]")
    phone.wait_saved()
    item = page.locator("#complaints li", has_text=text)
    assert "尚未联系业户" in item.inner_text() and "待同步" in item.inner_text()
    item.locator("details > summary").first.click()
    item.locator(".reply-form label[for$=stage-contact]").click()
    item.locator("textarea[name=said]").fill("已电话联系，明天上午上门")
    item.locator("input[name=agreed_reply_at]").fill("2030-01-02T10:00")
    form_photo = tmp_path / "form.png"
    form_photo.write_bytes(png(600, 800, (230, 230, 220)))
    item.locator(".reply-form input[type=file]").set_input_files(str(form_photo))
    item.locator(".reply-form .photos img").wait_for()
    page.screenshot(path=str(shots / "complaint-contact.png"))
    item.locator(".reply-form button[type=submit]").click()
    phone.wait_saved()
    item = page.locator("#complaints li", has_text=text)
    assert "已联系" in item.inner_text()
    item.locator("details > summary").first.click()
    item.locator("details.classify > summary").click()
    item.locator(".classify-form label[for$=kind-assisted]").click()
    item.locator(".classify-form input[name=common_interest]").check()
    item.locator(".classify-form button[type=submit]").click()
    phone.wait_saved()
    assert sorted(e["type"] for e in phone.outbox()) == ["complaint.classify", "complaint.create", "complaint.reply"]

    phone.online()
    assert phone.sync_until_empty() == 0
    ((complaint_id, user, channel, unit, agreed),) = live.query(
        "SELECT c.id, u.username, c.channel, c.unit, c.agreed_reply_at FROM complaints c "
        "JOIN users u ON u.id = c.user_id WHERE c.description = ?", (text,))
    assert (user, channel, unit) == ("clerk1", "phone", "3-2-501")
    assert str(agreed).startswith("2030-01-02 02:00")  # 10:00 in Shanghai, kept in UTC
    ((stage, method, said, photo_ids),) = live.query(
        "SELECT stage, method, said, photo_ids FROM complaint_replies WHERE complaint_id = ?", (complaint_id,))
    assert (stage, method, said) == ("contact", "phone", "已电话联系，明天上午上门")
    (photo_id,) = json.loads(photo_ids)
    assert live.query("SELECT uploaded, record_type FROM photos WHERE id = ?", (photo_id,)) == [(1, "complaint_reply")]
    assert live.query("SELECT kind, common_interest FROM complaints WHERE id = ?", (complaint_id,)) == [("assisted", 1)]
    ((assignee, due),) = live.query(
        "SELECT u.username, f.due_at FROM followups f JOIN users u ON u.id = f.assignee_id "
        "JOIN complaints c ON c.followup_id = f.id WHERE c.id = ?", (complaint_id,))
    assert assignee == "clerk1" and str(due).startswith("2030-01-02 02:00")
    phone.open("complaints")
    item = page.locator("#complaints li", has_text=text)
    assert "139****5678" not in item.inner_text()  # the list shows no number at all
    assert "待同步" not in item.inner_text()
    page.screenshot(path=str(shots / "complaints-list.png"))


def test_a_complaint_taken_at_the_desk_classified_and_answered(browser, live, shots):
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=live.url, locale="zh-CN",
                              timezone_id="Asia/Shanghai")
    try:
        page = ctx.new_page()
        page.goto("/login")
        page.fill("input[name=username]", "clerk2")
        page.fill("input[name=password]", "demo1234")
        page.press("input[name=password]", "Enter")
        page.wait_for_url(re.compile(r".*/complaints/duty$"))
        page.click("#take-complaint")
        page.wait_for_url(re.compile(r".*/complaints/new.*"))
        # A wrong number and no description: refused beside the fields, what was typed kept.
        page.fill("#f-owner_phone", "电话没问")
        page.fill("#f-unit", "9-9-909")
        with page.expect_navigation():
            page.click("#complaint-form button[type=submit]")
        page.locator("#error-description").wait_for()
        assert page.input_value("#f-unit") == "9-9-909"
        text = f"地库B2层照明坏了{uuid.uuid4().hex[:4]}"
        page.fill("#f-owner_phone", "13700001234")
        page.select_option("#f-channel", "hotline")
        page.select_option("#f-category", "repair")
        page.fill("#f-description", text)
        with page.expect_navigation():
            page.click("#complaint-form button[type=submit]")
        page.locator("#clocks").wait_for()
        assert page.locator("#clocks tr[data-clock=contact][data-state=running]").count() == 1
        page.select_option("#classify-form #f-kind", "valid")
        page.check("#classify-form input[name=common_interest]")
        with page.expect_navigation():
            page.click("#classify-form button[type=submit]")
        page.select_option("#reply-form #f-stage", "reply")
        page.fill("#reply-form #f-said", "已更换灯管并电话告知业主")
        page.select_option("#reply-form #f-satisfaction", "satisfied")
        with page.expect_navigation():
            page.click("#reply-form button[type=submit]")
        page.locator("#replies li[data-stage=reply]").wait_for()
        page.screenshot(path=str(shots / "desk-complaint.png"), full_page=True)
        ((ident, kind, channel, common, user),) = live.query(
            "SELECT c.id, c.kind, c.channel, c.common_interest, u.username FROM complaints c "
            "JOIN users u ON u.id = c.user_id WHERE c.description = ?", (text,))
        assert (kind, channel, common, user) == ("valid", "hotline", 1, "clerk2")
        assert live.query("SELECT stage, satisfaction FROM complaint_replies WHERE complaint_id = ?",
                          (ident,)) == [("reply", "satisfied")]
        ((status,),) = live.query("SELECT f.status FROM followups f JOIN complaints c ON c.followup_id = f.id "
                                  "WHERE c.id = ?", (ident,))
        assert status == "resolved"
        page.goto("/complaints/duty")
        assert text in page.inner_text("#duty")
    finally:
        ctx.close()


def test_the_front_desk_takes_a_repair_request_on_the_phone_offline(phone: Phone, live):
    page = phone.page
    phone.sign_in("clerk1")
    phone.open("complaints")
    phone.offline()
    phone.open("complaints")
    page.click("#repair-intake > summary")
    page.click("#repair-request-form button[type=submit]")
    page.locator("#repair-request-form #error-description").wait_for()
    text = f"厨房水龙头漏水{uuid.uuid4().hex[:4]}"
    page.fill("#repair-request-form input[name=unit]", "1-1-101")
    page.fill("#repair-request-form textarea[name=description]", text)
    page.click("#repair-request-form label[for=rq-urgency-urgent]")
    page.click("#repair-request-form button[type=submit]")
    phone.wait_saved()
    assert [e["type"] for e in phone.outbox()] == ["repair.create"]
    phone.online()
    assert phone.sync_until_empty() == 0
    ((urgency, unit, user, assignee),) = live.query(
        "SELECT r.urgency, r.unit, u.username, a.username FROM repair_orders r JOIN users u ON u.id = r.user_id "
        "JOIN followups f ON f.id = r.followup_id JOIN users a ON a.id = f.assignee_id WHERE r.description = ?", (text,))
    assert (urgency, unit, user, assignee) == ("urgent", "1-1-101", "clerk1", "repair1")
