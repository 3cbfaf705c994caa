"""Complaints on the phone with no network: the desk's assistant takes one down and records
the contact with an agreed reply time; what reached the server is checked in its database."""
import uuid

from tests.browser.phone import Phone


def test_a_clerk_takes_a_complaint_and_contacts_the_owner_offline(phone: Phone, live, shots):
    page = phone.page
    phone.sign_in("clerk1")
    assert phone.page.locator(".tabs a[data-screen=complaints]").is_visible()
    assert phone.page.locator(".tabs a[data-screen=gate]").is_hidden()
    phone.open("complaints")
    phone.offline()
    phone.open("complaints")
    page.locator("details.intake").evaluate("(d) => { d.open = true; }")
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
    item.locator("summary").click()
    item.locator("label[for=stage-contact]").click()
    item.locator("textarea[name=said]").fill("已电话联系，明天上午上门")
    item.locator("input[name=agreed_reply_at]").fill("2030-01-02T10:00")
    page.screenshot(path=str(shots / "complaint-contact.png"))
    item.locator(".reply-form button[type=submit]").click()
    phone.wait_saved()
    assert "已联系" in page.locator("#complaints li", has_text=text).inner_text()
    assert sorted(e["type"] for e in phone.outbox()) == ["complaint.create", "complaint.reply"]

    phone.online()
    assert phone.sync_until_empty() == 0
    ((complaint_id, user, channel, unit, agreed),) = live.query(
        "SELECT c.id, u.username, c.channel, c.unit, c.agreed_reply_at FROM complaints c "
        "JOIN users u ON u.id = c.user_id WHERE c.description = ?", (text,))
    assert (user, channel, unit) == ("clerk1", "phone", "3-2-501")
    assert str(agreed).startswith("2030-01-02 02:00")  # 10:00 in Shanghai, kept in UTC
    replies = live.query("SELECT stage, method, said FROM complaint_replies WHERE complaint_id = ?", (complaint_id,))
    assert replies == [("contact", "phone", "已电话联系，明天上午上门")]
    ((assignee, due),) = live.query(
        "SELECT u.username, f.due_at FROM followups f JOIN users u ON u.id = f.assignee_id "
        "JOIN complaints c ON c.followup_id = f.id WHERE c.id = ?", (complaint_id,))
    assert assignee == "clerk1" and str(due).startswith("2030-01-02 02:00")
    phone.open("complaints")
    item = page.locator("#complaints li", has_text=text)
    assert "139****5678" not in item.inner_text()  # the list shows no number at all
    assert "待同步" not in item.inner_text()
    page.screenshot(path=str(shots / "complaints-list.png"))
