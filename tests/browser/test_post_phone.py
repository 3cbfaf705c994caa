"""A gate's day on one shared phone: three shifts, offline, nothing lost, nobody locked out
of checking a visitor out; and a PIN refused after five wrong tries."""
import uuid

from app.pins import check_pin
from tests.browser.phone import Phone


def register(phone: Phone, live) -> None:
    code = live.control("enrol", {"post": "post1"})["code"]
    phone.page.goto(f"/m/login#enrol={code}")
    phone.ready()
    phone.page.click("#enrol-form button[type=submit]")
    phone.page.wait_for_url("**/m/")
    phone.ready()
    phone.page.locator("#shift-start").wait_for()


def start_shift(page, name: str, pin: str = "2468") -> None:
    page.goto("/m/")
    page.locator("#shift-start").wait_for()
    page.select_option("#shift-start select[name=person]", label=name)
    page.fill("#shift-start input[name=pin]", pin)
    page.click("#shift-start-submit")


def hand_over(page, note: str) -> None:
    page.goto("/m/")
    page.click("#handover-open")
    page.fill("#handover textarea[name=handover_note]", note)
    page.click("#handover-submit")
    page.locator("#shift-start").wait_for()


def test_three_shifts_on_one_phone_offline_reach_the_server_under_the_right_names(phone, live, shots):
    page = phone.page
    register(phone, live)
    tabs = page.locator(".tabs a:visible")
    assert [tabs.nth(i).get_attribute("data-screen") for i in range(tabs.count())] == ["gate", "sync"]
    phone.offline()

    start_shift(page, "保安1号")
    page.locator("#on-shift").wait_for()
    assert "保安1号" in page.text_content("#on-shift")
    first = f"早班{uuid.uuid4().hex[:4]}"
    phone.register_visitor(first, purpose="visit")
    page.goto("/m/")
    page.click("#handover-open")
    assert first in page.text_content("#handover-inside")
    page.screenshot(path=str(shots / "post-handover.png"), full_page=True)
    page.fill("#handover textarea[name=handover_note]", f"{first}仍在3栋")
    page.click("#handover-submit")
    page.locator("#shift-start").wait_for()
    assert f"{first}仍在3栋" in page.text_content("#last-handover")
    phone.open("gate")
    assert page.locator("#shift-first").count() == 1  # between shifts nothing is recorded

    start_shift(page, "保安队长1")
    page.locator("#on-shift").wait_for()
    phone.open("gate")
    page.locator(f"#inside li:has-text('{first}') button[data-action=check-out]").click()
    phone.wait_saved()
    hand_over(page, "无人在场")

    start_shift(page, "经理1")
    page.locator("#on-shift").wait_for()
    third = f"晚班{uuid.uuid4().hex[:4]}"
    phone.register_visitor(third, purpose="delivery")
    page.goto("/m/")
    log = page.locator("#gate-log").inner_text()  # the post's day, whoever was on shift
    assert first in log and third in log and "在场" in log
    page.screenshot(path=str(shots / "post-on-shift.png"), full_page=True)
    hand_over(page, f"{third}在场")
    page.screenshot(path=str(shots / "post-start.png"))
    assert len(phone.outbox()) == 9  # 3 starts, 3 ends, 2 check-ins, 1 check-out
    phone.open("sync")  # the post sends everyone's records: none waits for a sign-in
    assert page.text_content("#waiting-count") == "9"
    assert "等其登录后发送" not in page.text_content("#screen")

    phone.online()
    assert phone.sync_until_empty() == 0
    names = dict(live.query("SELECT id, username FROM users"))
    visits = {row[0]: row[1:] for row in live.query(
        "SELECT visitor_name, user_id, checked_out_by, device_id FROM visits WHERE visitor_name IN (?, ?)", (first, third))}
    device = phone.meta("device_id")
    assert (names[visits[first][0]], names[visits[first][1]], visits[first][2]) == ("guard1", "lead1", device)
    assert (names[visits[third][0]], visits[third][1]) == ("manager1", None)
    shifts = live.query("SELECT user_id, post_id, ended_at IS NOT NULL, handover_note FROM shifts "
                        "WHERE device_id = ? ORDER BY started_at", (device,))
    assert [(names[u], names[p], ended) for u, p, ended, _ in shifts] == [
        ("guard1", "post1", 1), ("lead1", "post1", 1), ("manager1", "post1", 1)]
    assert shifts[0][3] == f"{first}仍在3栋"
    assert live.query("SELECT count(*) FROM sync_journal WHERE device_id = ? AND status != 'applied'", (device,)) == [(0,)]


def test_a_pin_is_refused_after_five_wrong_tries(phone, live, shots):
    page = phone.page
    register(phone, live)
    phone.offline()
    for left in (4, 3, 2, 1):
        start_shift(page, "保安队长1", pin="1111")
        error = page.locator("#error-pin")
        error.wait_for()
        assert error.text_content() == f"密码错误，还可尝试 {left} 次。"
    start_shift(page, "保安队长1", pin="1111")
    page.locator("#error-pin:has-text('分钟后再试')").wait_for()
    start_shift(page, "保安队长1")  # the right PIN, but locked out now
    page.locator("#error-pin:has-text('分钟后再试')").wait_for()
    assert page.evaluate("document.activeElement.name") == "pin"
    page.screenshot(path=str(shots / "post-pin-locked.png"))
    assert phone.outbox() == []
    start_shift(page, "保安1号")  # someone else is not locked out
    page.locator("#on-shift").wait_for()


def test_a_guard_sets_their_own_pin_on_their_phone(phone, live):
    page = phone.page
    phone.sign_in("guard2")
    phone.open("sync")
    page.fill("#pin-form input[name=pin]", "13")
    page.click("#pin-form button[type=submit]")
    page.locator("#pin-form #error-pin").wait_for()
    page.fill("#pin-form input[name=pin]", "1357")
    page.fill("#pin-form input[name=password]", "wrong-password")
    page.click("#pin-form button[type=submit]")
    page.locator("#pin-form #error-password:has-text('密码错误')").wait_for()
    page.fill("#pin-form input[name=password]", "demo1234")
    page.click("#pin-form button[type=submit]")
    page.locator("#pin-form .notice.ok").wait_for()
    (stored,), = live.query("SELECT pin_hash FROM users WHERE username = 'guard2'")
    assert check_pin(stored, "1357")
