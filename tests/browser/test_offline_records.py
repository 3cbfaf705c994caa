"""Does what a phone records offline survive a reload and reach the server exactly once?"""
import uuid

from tests.browser.images import png

ID_NUMBER = "110101199001061234"
PHONE_NUMBER = "13800001234"


def record_patrol_with_finding(phone, tmp_path):
    page = phone.page
    phone.open("patrol")
    page.click("#routes li:has-text('日间巡视路线') button[data-route]")
    phone.wait_saved()
    page.click("#checkpoints li >> nth=0 >> button[data-checkpoint]")
    phone.wait_saved()
    page.click("#add-finding")
    page.click("label[for=category-repair]")
    page.click("label[for=severity-high]")
    page.fill("#finding-form textarea[name=description]", "1号楼大堂灯不亮")
    page.click("label[for=handled-no]")
    picture = tmp_path / "finding.png"
    picture.write_bytes(png(2400, 1200))
    page.set_input_files("#finding-form input[type=file]", str(picture))
    page.wait_for_selector("#finding-form .photos img")
    page.click("#finding-submit")
    phone.wait_saved()


def record_visit_in_and_out(phone, name):
    phone.register_visitor(name, purpose="visit", unit="1-1-101", phone=PHONE_NUMBER, id_number=ID_NUMBER)
    phone.page.click(f"#inside li:has-text('{name}') button[data-action=check-out]")
    phone.wait_saved()


def record_stock_count(phone):
    page = phone.page
    phone.open("stock")
    page.click("label[for=size-5]")
    page.click("#stock-start button[type=submit]")
    phone.wait_saved()
    page.fill("#count-items li >> nth=0 >> input[name=counted_qty]", "7")
    page.click("#count-items li >> nth=0 >> button[type=submit]")
    phone.wait_saved()


def test_offline_records_survive_reload_and_reach_the_server_once(phone, live, tmp_path):
    """Patrol with finding and photo, visitor in and out, a stock count: offline, reload, sync."""
    name = f"访客{uuid.uuid4().hex[:6]}"
    phone.sign_in("manager1")
    phone.installed()
    user_id = phone.meta("user")["id"]

    # The network goes away: the server stops and the browser is offline.
    live.stop()
    phone.page.context.set_offline(True)
    record_patrol_with_finding(phone, tmp_path)
    record_visit_in_and_out(phone, name)
    record_stock_count(phone)
    recorded = {e["type"]: e["entity_id"] for e in phone.outbox()}
    types = sorted(e["type"] for e in phone.outbox())
    assert types == sorted(["patrol.start", "patrol.checkpoint", "patrol.finding", "visit.check_in",
                            "visit.check_out", "stock.check_start", "stock.count"])
    photos = phone.dump(["photos"])["photos"]
    assert len(photos) == 1 and max(photos[0]["width"], photos[0]["height"]) <= 1600
    assert photos[0]["blob"]["type"] == "image/jpeg"

    # Reload while still offline: everything is still there and counted as waiting.
    phone.page.reload()
    phone.open("sync")
    assert phone.page.text_content("#waiting-count") == "7"
    assert phone.badge_waiting() == 7
    phone.open("patrol")
    assert "1 / 13" in phone.page.text_content("#patrol-progress")
    phone.open("stock")
    assert "1 / 5" in phone.page.text_content("#count-progress")

    # The network comes back: everything goes, once.
    live.start()
    phone.page.context.set_offline(False)
    assert phone.sync_until_empty() == 0
    assert phone.dump(["attention"])["attention"] == []
    q = live.query
    assert q("SELECT count(*) FROM visits WHERE visitor_name = ? AND checked_out_at IS NOT NULL", (name,)) == [(1,)]
    for table, kind in [("patrols", "patrol.start"), ("checkpoint_visits", "patrol.checkpoint"),
                        ("findings", "patrol.finding"), ("stock_checks", "stock.check_start"),
                        ("stock_counts", "stock.count")]:
        assert q(f"SELECT count(*), min(user_id) FROM {table} WHERE id = ?", (recorded[kind],)) == [(1, user_id)]
    assert q("SELECT count(*) FROM patrols WHERE id = ? AND ended_at IS NULL", (recorded["patrol.start"],)) == [(1,)]
    photo_id = photos[0]["id"]
    (photo_ids,) = q("SELECT photo_ids FROM findings WHERE id = ?", (recorded["patrol.finding"],))[0]
    assert photo_id in photo_ids
    assert q("SELECT uploaded, content_type FROM photos WHERE id = ?", (photo_id,)) == [(1, "image/jpeg")]
    assert phone.dump(["photos"])["photos"] == []
    # After the server has acknowledged the visit, the phone holds no full ID number.
    dump = phone.dump_text()
    assert ID_NUMBER not in dump
    assert PHONE_NUMBER not in dump
