"""My notifications on the phone: a repair follow-up a manager's finding opened reaches the
repair worker's list, stays readable offline, and "mark all read" reaches the server."""
import uuid

from tests.browser.conftest import PHONE
from tests.browser.conftest import TEST_CSP
from tests.browser.phone import Phone


def test_a_new_follow_up_is_listed_offline_and_marked_read_on_the_server(phone, browser, live, shots):
    page = phone.page
    phone.sign_in("manager2")
    phone.open("patrol")
    page.click("#routes li:has-text('日间巡视路线') button[data-route]")
    phone.wait_saved()
    page.click("#add-finding")
    page.click("label[for=category-repair]")
    text = f"消防栓漏水，业主电话13812345678，{uuid.uuid4().hex[:4]}"
    page.fill("#finding-form textarea[name=description]", text)
    page.click("label[for=handled-no]")
    page.click("#finding-submit")
    phone.wait_saved()
    assert phone.sync_until_empty() == 0
    ((followup_id, assignee),) = live.query(
        "SELECT f.id, u.username FROM findings d JOIN followups f ON f.id = d.followup_id "
        "JOIN users u ON u.id = f.assignee_id WHERE d.description = ?", (text,))
    assert assignee == "repair2"

    own = browser.new_context(viewport=PHONE, base_url=live.url, locale="zh-CN", **TEST_CSP,
                              timezone_id="Asia/Shanghai")
    try:
        worker = Phone(own.new_page(), live)
        worker.sign_in("repair2")
        worker.open("notifications")
        item = worker.page.locator(f"#notices li.notice-item.unread:has-text('{text[-4:]}')")
        assert "跟进分派给您" in item.inner_text()
        assert "138****5678" in item.inner_text() and "13812345678" not in worker.page.content()
        assert item.locator("a").get_attribute("href") == "/m/followups"
        worker.page.screenshot(path=str(shots / "notifications-phone.png"))

        worker.installed()
        worker.offline()
        worker.open("notifications")
        assert "离线：以下为" in worker.page.locator("#screen").inner_text()
        assert worker.page.locator(f"#notices li:has-text('{text[-4:]}')").count() == 1
        worker.open("home")
        assert "条未读" in worker.page.locator("a.tile[href='/m/notifications']").inner_text()

        worker.online()
        worker.open("notifications")
        worker.page.click("#notices-read")
        worker.page.locator("#notices-read").wait_for(state="detached")
        assert worker.page.locator("#notices li.unread").count() == 0
        ((read_at,),) = live.query(
            "SELECT n.read_at FROM notifications n JOIN users u ON u.id = n.user_id "
            "WHERE u.username = 'repair2' AND n.subject_id = ?", (followup_id,))
        assert read_at is not None
        assert not worker.errors
    finally:
        own.close()
