"""Every phone screen, with data, offline: accessible (axe-core) and photographed at 390×844."""
import json
import re
import uuid

import pytest

from tests.browser.phone import SCREENS


@pytest.fixture()
def busy_phone(phone, live):
    """A manager's phone with a patrol under way, a visitor inside, a count begun, a follow-up."""
    page = phone.page
    phone.sign_in("manager1")
    phone.installed()
    phone.open("patrol")
    page.click("#routes li:has-text('日间巡视路线') button[data-route]")
    phone.wait_saved()
    for n in range(2):
        page.click(f"#checkpoints li >> nth={n} >> button[data-checkpoint]")
        phone.wait_saved()
    page.click("#add-finding")
    page.click("label[for=category-repair]")
    page.fill("#finding-form textarea[name=description]", "中心花园喷灌水管破裂")
    page.click("label[for=handled-no]")
    page.click("#finding-submit")
    phone.wait_saved()
    phone.register_visitor(f"李{uuid.uuid4().hex[:2]}", purpose="delivery", unit="1-1-101")
    phone.open("stock")
    page.click("#stock-start button[type=submit]")
    phone.wait_saved()
    page.fill("#count-items li >> nth=0 >> input[name=counted_qty]", "3")
    page.click("#count-items li >> nth=0 >> button[type=submit]")
    phone.wait_saved()
    assert phone.sync_until_empty() == 0
    assert any(r["type"] == "followup" for r in phone.dump(["refdata"])["refdata"])
    page.context.set_offline(True)
    phone.register_visitor(f"王{uuid.uuid4().hex[:2]}", purpose="visit", unit="1-1-102")
    return phone


def axe_violations(page, axe_source):
    page.add_script_tag(path=str(axe_source))
    result = page.evaluate("axe.run(document, { resultTypes: ['violations'] })")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_every_screen_is_accessible_and_photographed_offline(busy_phone, axe_source, shots):
    page = busy_phone.page
    problems = {}
    for screen in SCREENS:
        busy_phone.open(screen)
        page.wait_for_timeout(300)
        page.screenshot(path=str(shots / f"{screen}.png"))
        page.screenshot(path=str(shots / f"{screen}-full.png"), full_page=True)
        found = axe_violations(page, axe_source)
        if found:
            problems[screen] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in found]
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)
    assert page.viewport_size == {"width": 390, "height": 844}
    assert all((shots / f"{s}.png").stat().st_size > 5000 for s in SCREENS)
    assert busy_phone.errors == []


def test_a_rejected_record_can_be_fixed_and_recorded_again(phone, live, shots):
    """A refused record reads as its form in Chinese, without ids, the reason beside its
    field; the badge is not green while it waits; the fix reaches the server."""
    page = phone.page
    phone.sign_in("guard1")
    name = f"退回{uuid.uuid4().hex[:4]}"
    page.evaluate("""(name) => import('/static/js/lib/outbox.js').then(async (o) => {
      const siteId = await (await import('/static/js/lib/session.js')).currentSite();
      await o.record({ mutations: [{ type: 'visit.check_in', entity_id: crypto.randomUUID(),
        data: { site_id: siteId, visitor_name: name, purpose: 'sightseeing', party_size: 1,
                phone: '13812345678', unit: '1-1-101' } }] });
    })""", name)
    assert phone.sync_until_empty() == 0
    attention = phone.dump(["attention"])["attention"]
    assert len(attention) == 1 and "purpose" in attention[0]["errors"]
    assert phone.outbox() == []

    phone.open("sync")
    item = page.locator("#attention li").first
    text = item.inner_text()
    assert "来访事由" in text and "请选择来访事由" in text and "访客姓名" in text
    assert "翠湖花园" in text  # the site by its name
    for raw in ("purpose", "site_id", "visitor_name", "sightseeing", "13812345678"):
        assert raw not in text
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", text), text
    assert item.locator("input[name=phone]").get_attribute("placeholder") == "138****5678"
    assert page.get_attribute("#sync-badge", "data-state") == "error"
    assert "待处理" in page.text_content("#sync-badge")
    page.screenshot(path=str(shots / "sync-attention.png"), full_page=True)

    item.locator("select[name=purpose]").select_option("visit")
    item.locator("input[name=phone]").fill("13812345678")
    item.locator("button[type=submit]").click()
    page.wait_for_selector("#toast:not([hidden])")
    assert phone.sync_until_empty() == 0
    assert phone.dump(["attention"])["attention"] == []
    assert live.query("SELECT purpose, phone_tail, unit FROM visits WHERE visitor_name = ?", (name,)) == \
        [("visit", "5678", "1-1-101")]


def test_entries_of_another_user_wait_for_them(phone, live):
    """Does a colleague's unsynced entry wait on the shared phone, shown as waiting, until they sign in?"""
    page = phone.page
    phone.sign_in("clean1")
    phone.offline()
    name = f"交班{uuid.uuid4().hex[:4]}"
    phone.register_visitor(name)
    phone.open("sync")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#sign-out")
    page.wait_for_url("**/m/login")
    phone.ready()
    assert "保洁员1" in page.text_content("#screen")
    page.context.set_offline(False)
    live.start()

    phone.sign_in("repair1")
    assert phone.sync()["status"] == "ok"
    assert [e["data"]["visitor_name"] for e in phone.outbox()] == [name]
    phone.open("sync")
    assert "保洁员1 有 1 条记录" in page.text_content("#screen")
    assert live.query("SELECT count(*) FROM visits WHERE visitor_name = ?", (name,)) == [(0,)]

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#sign-out")
    page.wait_for_url("**/m/login")
    phone.sign_in("clean1")
    assert phone.sync_until_empty() == 0
    assert live.query("SELECT count(*) FROM visits WHERE visitor_name = ?", (name,)) == [(1,)]


@pytest.mark.parametrize("username, shown", [
    ("store1", ["stock", "followups", "sync"]),
    ("guard1", ["patrol", "gate", "followups", "sync"]),
    ("manager1", ["patrol", "gate", "stock", "complaints", "repairs", "followups", "sync"]),
    ("repair1", ["patrol", "repairs", "followups", "sync"]),
    ("clerk1", ["complaints", "followups", "sync"]),
    ("cs1", ["patrol", "gate", "complaints", "followups", "sync"]),
])
def test_each_post_sees_the_tabs_and_tiles_of_its_work(phone, username, shown, shots):
    page = phone.page
    phone.sign_in(username)
    tabs = page.locator(".tabs a:visible")
    assert [tabs.nth(i).get_attribute("data-screen") for i in range(tabs.count())] == shown
    tiles = page.locator(".tiles a").evaluate_all("(links) => links.map((a) => a.getAttribute('href'))")
    assert tiles == [f"/m/{s}" for s in shown if s != "sync"] + ["/m/notifications"]  # everyone's
    if username == "store1":
        page.screenshot(path=str(shots / "home-store.png"))
