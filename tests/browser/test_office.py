"""A day reviewed from the desk: phones record offline and sync, then a supervisor finds the
visitor by plate, the finding on the dashboard and its photo, reassigns the follow-up, the
new owner's phone gets it, and the manager approves a stock difference.

Each step checks what reached the server, not only what a page shows; the desk pages are
photographed at 1440×900 for people to look at.
"""
import json
import random
import re
import urllib.request
import uuid

import pytest

from tests.browser.conftest import PHONE
from tests.browser.conftest import TEST_CSP
from tests.browser.images import png
from tests.browser.phone import Phone

DESK = {"width": 1440, "height": 900}
PHONE_NUMBER = "13800005678"
ID_NUMBER = "110101199001061234"


@pytest.fixture()
def opened(browser):
    """New browser contexts for the test, each closed at its end (phones keep syncing otherwise)."""
    made = []

    def new_context(**kw):
        ctx = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **kw)
        made.append(ctx)
        return ctx
    yield new_context
    for ctx in made:
        ctx.close()


def phone_in(opened, live, username) -> Phone:
    ctx = opened(viewport=PHONE, base_url=live.url, service_workers="allow", **TEST_CSP)
    phone = Phone(ctx.new_page(), live)
    phone.sign_in(username)
    return phone


def desk_in(opened, live, username):
    ctx = opened(viewport=DESK, base_url=live.url)
    page = ctx.new_page()
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo1234")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(re.compile(r".*/(review|followups)$"))
    return page


def go_offline(phone):
    phone.installed()
    phone.page.context.set_offline(True)


def user_id(live, username):
    return live.query("SELECT id FROM users WHERE username = ?", (username,))[0][0]


def test_a_day_reviewed_from_the_desk(opened, live, tmp_path, shots):
    tag = uuid.uuid4().hex[:4]
    name = f"快递员{tag}"
    digits = f"{random.randint(100, 999)}"
    plate = f"粤B·7K{digits}"
    problem = f"5栋电梯按钮失灵{tag}"

    # A guard registers a visitor with no signal.
    guard = phone_in(opened, live, "guard1")
    go_offline(guard)
    guard.register_visitor(name, purpose="delivery", unit="1-1-101", phone=PHONE_NUMBER, id_number=ID_NUMBER,
                           plate=plate)

    # The manager, offline on the patrol, records a finding with a photo.
    manager = phone_in(opened, live, "manager1")
    go_offline(manager)
    page = manager.page
    manager.open("patrol")
    page.click("#routes li:has-text('日间巡视路线') button[data-route]")
    manager.wait_saved()
    page.click("#add-finding")
    page.click("label[for=category-repair]")
    page.click("label[for=severity-high]")
    page.fill("#finding-form textarea[name=description]", problem)
    page.click("label[for=handled-no]")
    picture = tmp_path / "finding.png"
    picture.write_bytes(png(1200, 900, (200, 60, 40)))
    page.set_input_files("#finding-form input[type=file]", str(picture))
    page.wait_for_selector("#finding-form .photos img")
    page.click("#finding-submit")
    manager.wait_saved()

    # Back in signal, both phones sync; the server has each record once.
    for phone in (guard, manager):
        phone.page.context.set_offline(False)
        assert phone.sync_until_empty() == 0
    (visit_id, stored_plate), = live.query("SELECT id, plate FROM visits WHERE visitor_name = ?", (name,))
    (patrol_id, followup_id, photo_ids), = live.query(
        "SELECT patrol_id, followup_id, photo_ids FROM findings WHERE description = ?", (problem,))
    (photo_id,) = json.loads(photo_ids)
    assert live.query("SELECT uploaded FROM photos WHERE id = ?", (photo_id,)) == [(1,)]

    # The store keeper counts two more bulbs than the books say.
    keeper = phone_in(opened, live, "store1")
    kp = keeper.page
    first, item_id, book = keeper.start_stock_check()
    first.locator("input[name=counted_qty]").fill(str(book + 2))
    first.locator("button[type=submit]").click()
    keeper.wait_saved()
    kp.click("#finish-open")
    kp.click("#finish-submit")
    keeper.wait_saved()
    assert keeper.sync_until_empty() == 0
    (count_id, check_id), = live.query(
        "SELECT id, check_id FROM stock_counts WHERE item_id = ? AND superseded = 0 ORDER BY counted_at DESC LIMIT 1",
        (item_id,))

    # The supervisor's morning at the desk: the dashboard shows the finding.
    desk = desk_in(opened, live, "supervisor1")
    assert problem in desk.inner_text(".findings-strip")
    desk.screenshot(path=str(shots / "office-dashboard.png"), full_page=True)

    # The visitor, found by the plate typed as people type it.
    desk.fill(".office-search input[name=q]", f"粤b7k{digits}")
    desk.press(".office-search input[name=q]", "Enter")
    desk.wait_for_url(re.compile(r".*/review/search\?q=.*"))
    desk.screenshot(path=str(shots / "office-search.png"), full_page=True)
    desk.click(f"#group-visits a:has-text('{name}')")
    desk.wait_for_url(re.compile(rf".*/gate/visits/{visit_id}$"))
    text = desk.inner_text("main")
    assert stored_plate in text and PHONE_NUMBER not in text and ID_NUMBER not in text
    assert "5678" in text  # the phone's tail, masked around it
    desk.screenshot(path=str(shots / "office-visit.png"), full_page=True)

    # The finding from the dashboard: its round, and its photo at full size.
    desk.goto("/review")
    desk.click(f".findings-strip a:has-text('{problem}')")
    desk.wait_for_url(re.compile(rf".*/patrols/{patrol_id}$"))
    desk.screenshot(path=str(shots / "office-patrol.png"), full_page=True)
    with desk.context.expect_page() as popup:
        desk.click(f"ul.thumbs a[href$='{photo_id}']")
    full = popup.value
    full.wait_for_load_state()
    size = full.evaluate("() => { const i = document.querySelector('img'); return [i.naturalWidth, i.naturalHeight]; }")
    assert size[0] > 0 and size[0] <= 1600  # the photo as the phone scaled and uploaded it
    full.close()

    # Its follow-up goes to another repair worker.
    desk.click(f"a.followup-link[href$='{followup_id}']")
    desk.wait_for_url(re.compile(rf".*/followups/{followup_id}$"))
    before = live.query("SELECT assignee_id FROM followups WHERE id = ?", (followup_id,))[0][0]
    new_owner = next(u for u in ("repair1", "lead1", "clean1") if user_id(live, u) != before)
    desk.select_option("#assignee", user_id(live, new_owner))
    desk.fill("#note-assign", "请今天下班前处理")
    desk.click("form:has(#assignee) button[type=submit]")
    desk.wait_for_selector(".flash")
    assert live.query("SELECT assignee_id FROM followups WHERE id = ?", (followup_id,)) == [(user_id(live, new_owner),)]
    assert "请今天下班前处理" in desk.inner_text(".timeline")
    desk.screenshot(path=str(shots / "office-followup.png"), full_page=True)
    desk.goto("/followups")
    desk.screenshot(path=str(shots / "office-board.png"), full_page=True)

    # The new owner's phone pulls it.
    owner = phone_in(opened, live, new_owner)
    owner.sync()
    owner.open("followups")
    card = owner.page.locator(f"#mine li[data-followup='{followup_id}']")
    card.wait_for()
    assert problem in card.inner_text()

    # The manager approves the stock difference; the books move by two.
    def book_qty():
        (qty,), = live.query("SELECT COALESCE(SUM(CASE WHEN direction = 'in' THEN quantity ELSE -quantity END), 0) "
                             "FROM stock_movements WHERE item_id = ?", (item_id,))
        return float(qty)
    assert book_qty() == book
    office = desk_in(opened, live, "manager1")
    office.goto(f"/stock/checks/{check_id}")
    office.screenshot(path=str(shots / "office-stock-check.png"), full_page=True)
    office.click(f"form[action$='/stock/counts/{count_id}/approve'] button[type=submit]")
    office.wait_for_selector(".flash")
    assert book_qty() == book + 2
    (reference,), = live.query("SELECT reference FROM stock_movements WHERE id = "
                               "(SELECT adjustment_id FROM stock_counts WHERE id = ?)", (count_id,))
    assert reference.startswith("PD-") and reference in office.inner_text("main")
    office.screenshot(path=str(shots / "office-stock-approved.png"), full_page=True)


def api(live, method, path, token=None, body=None):
    request = urllib.request.Request(live.url + path, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(request, timeout=15) as response:
        return json.loads(response.read())


class ApiPhone:
    """A phone speaking plain HTTP to the live server, for records no screen makes yet."""

    def __init__(self, live, username):
        self.live = live
        self.device_id = str(uuid.uuid4())
        signed = api(live, "POST", "/api/v1/session", body={"username": username, "password": "demo1234",
                                                             "device_id": self.device_id})
        self.token, self.user_id, self.seq = signed["token"], signed["user"]["id"], 0

    def push(self, *mutations):
        body = {"device_id": self.device_id, "client_time": now_iso(), "cursor": None, "pending": 0,
                "mutations": list(mutations)}
        return api(self.live, "POST", "/api/v1/sync", self.token, body)

    def mutation(self, type_, data, entity_id=None, minutes_ago=0):
        self.seq += 1
        return {"id": str(uuid.uuid4()), "seq": self.seq, "type": type_, "entity_id": entity_id or str(uuid.uuid4()),
                "user_id": self.user_id, "at": now_iso(minutes_ago), "data": data}


def now_iso(minutes_ago=0):
    from datetime import datetime
    from datetime import timedelta
    from datetime import timezone
    return (datetime.now(timezone.utc) - timedelta(minutes=minutes_ago)).isoformat(timespec="milliseconds")


def test_the_other_office_pages_as_a_supervisor_sees_them(opened, live, shots):
    """A complaint, a conflict between two reassignments and the phones page, photographed."""
    (site_id,), = live.query("SELECT id FROM sites WHERE name = '翠湖花园'")
    cs = ApiPhone(live, "cs1")
    complaint = cs.mutation("complaint.create", {"site_id": site_id, "kind": "valid", "channel": "phone",
                                                 "description": "楼上漏水到我家天花板", "unit": "1-1-101",
                                                 "owner_name": "林女士", "owner_phone": "13912345678"})
    assert cs.push(complaint)["results"][0]["status"] == "applied"
    (followup_id, version), = live.query("SELECT id, version FROM followups WHERE source_id = ?",
                                         (complaint["entity_id"],))
    # Two people reassign it offline from the version they both saw; the later one wins.
    manager, supervisor = ApiPhone(live, "manager1"), ApiPhone(live, "supervisor1")
    later = manager.mutation("followup.update", {"base_version": version, "assignee_id": user_id(live, "repair1")},
                             entity_id=followup_id, minutes_ago=5)
    earlier = supervisor.mutation("followup.update", {"base_version": version, "assignee_id": user_id(live, "lead1")},
                                  entity_id=followup_id, minutes_ago=10)
    assert manager.push(later)["results"][0]["status"] == "applied"
    assert supervisor.push(earlier)["results"][0]["status"] == "applied"
    (conflict_id,), = live.query("SELECT id FROM conflicts WHERE entity_id = ? AND field = 'assignee_id'",
                                 (followup_id,))

    desk = desk_in(opened, live, "supervisor1")
    refused = []
    desk.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
    desk.goto(f"/complaints/{complaint['entity_id']}")
    assert "楼上漏水" in desk.inner_text("main") and "13912345678" not in desk.content()
    desk.screenshot(path=str(shots / "office-complaint.png"), full_page=True)
    desk.goto(f"/review/conflicts/{conflict_id}")
    assert "维修工1" in desk.inner_text("main") or "repair1" in desk.inner_text("main")
    desk.screenshot(path=str(shots / "office-conflict.png"), full_page=True)
    desk.goto("/review/devices")
    desk.screenshot(path=str(shots / "office-devices.png"), full_page=True)
    desk.goto("/patrols/plans")
    desk.screenshot(path=str(shots / "office-plans.png"), full_page=True)
    # A select that submits its filter on change still does, with no inline script allowed.
    desk.goto("/gate/lists")
    (other,) = [v for v in desk.eval_on_selector_all("select[name=site][data-autosubmit] option",
                                                    "os => os.map(o => o.value)") if v and v != site_id]
    with desk.expect_navigation():
        desk.select_option("select[name=site][data-autosubmit]", other)
    assert f"site={other}" in desk.url
    assert refused == []
    # Still usable on a 1024-wide screen: nothing runs off the side of the dashboard.
    desk.set_viewport_size({"width": 1024, "height": 768})
    desk.goto("/review")
    assert desk.evaluate("document.documentElement.scrollWidth") <= 1024
    desk.screenshot(path=str(shots / "office-dashboard-1024.png"), full_page=True)
