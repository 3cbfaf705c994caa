"""A decoration worker at the gate, offline: the guard's phone offers the unit's permit,
warns about a unit without one, and the visit reaches the server naming the permit."""
import uuid


def test_a_guard_offline_registers_a_decoration_worker_against_the_units_permit(phone, live, shots):
    """Can a guard with no network register a worker under the unit's permit, and does the
    server keep which permit it was?"""
    page = phone.page
    (permit_id, unit), = live.query(
        "SELECT p.id, u.code FROM decoration_permits p JOIN units u ON u.id = p.unit_id "
        "JOIN sites s ON s.id = p.site_id WHERE s.name = '翠湖花园' AND u.code = '2-1-502'")
    phone.sign_in("guard1")
    kinds = {r["type"] for r in phone.dump(["refdata"])["refdata"]}
    assert "permit" in kinds
    phone.offline()
    phone.open("gate")
    name = f"装修工{uuid.uuid4().hex[:4]}"
    page.fill("#checkin-form input[name=visitor_name]", name)
    page.click("#checkin-form label[for=purpose-decoration]")
    # No unit yet: today's permits are offered by unit.
    assert "请选择房号的装修许可" in page.text_content("#permit-box")
    # A unit without a permit is a warning, not a stop.
    page.fill("#checkin-form input[name=unit]", "1-1-101")
    assert "今天没有有效的装修许可" in page.text_content("#permit-box")
    # The permit's unit: its one permit is chosen already.
    page.fill("#checkin-form input[name=unit]", unit)
    page.wait_for_selector("#permit-chips")
    assert "美家装饰工程有限公司" in page.text_content("#permit-chips")
    assert page.is_checked(f"#permit-chips input[value='{permit_id}']")
    page.screenshot(path=str(shots / "phone-gate-permit.png"), full_page=True)
    page.click("#checkin-submit")
    phone.wait_saved()
    [entry] = [e for e in phone.outbox() if e["type"] == "visit.check_in"]
    assert entry["data"]["permit_id"] == permit_id and entry["data"]["purpose"] == "decoration"

    phone.online()
    assert phone.sync_until_empty() == 0
    rows = live.query("SELECT purpose, unit, permit_id FROM visits WHERE visitor_name = ?", (name,))
    assert rows == [("decoration", unit, permit_id)]
    assert not phone.errors


def test_a_patrol_records_a_decoration_inspection_against_a_permit(phone, live, shots):
    """Does a finding that names a permit reach the server with it?"""
    page = phone.page
    (permit_id,), = live.query(
        "SELECT p.id FROM decoration_permits p JOIN units u ON u.id = p.unit_id "
        "JOIN sites s ON s.id = p.site_id WHERE s.name = '翠湖花园' AND u.code = '3-2-801'")
    phone.sign_in("lead1")
    phone.offline()
    phone.open("patrol")
    if page.locator("#routes").count():
        page.click("#routes li >> nth=0 >> button[data-route]")
        phone.wait_saved()
    page.click("#add-finding")
    page.locator("#finding-form").wait_for()
    options = page.locator("#finding-permit option").all_inner_texts()
    assert options[0] == "不是装修巡查" and any(o.startswith("3-2-801 · 安居家装") for o in options)
    description = f"装修垃圾堆放楼道{uuid.uuid4().hex[:4]}"
    page.click("#finding-form label[for=category-other]")
    page.fill("#finding-form textarea[name=description]", description)
    page.click("#finding-form label[for=handled-yes]")
    page.select_option("#finding-permit", permit_id)
    page.screenshot(path=str(shots / "phone-finding-permit.png"))
    page.click("#finding-submit")
    phone.wait_saved()
    phone.online()
    assert phone.sync_until_empty() == 0
    assert live.query("SELECT permit_id FROM findings WHERE description = ?", (description,)) == [(permit_id,)]
    assert not phone.errors


def test_a_permit_revoked_before_the_visit_syncs_is_refused_in_words_and_sent_again_without_it(phone, live, shots):
    """The desk revoked the permit the day before while the gate was offline: does the guard
    see why in "needs attention", and can the worker's visit be recorded without it?"""
    import sqlite3
    from datetime import datetime
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    page = phone.page
    (permit_id,), = live.query(
        "SELECT p.id FROM decoration_permits p JOIN units u ON u.id = p.unit_id "
        "JOIN sites s ON s.id = p.site_id WHERE s.name = '翠湖花园' AND u.code = '3-2-801'")
    phone.sign_in("guard1")
    phone.offline()
    name = f"装修工{uuid.uuid4().hex[:4]}"
    phone.open("gate")
    page.fill("#checkin-form input[name=visitor_name]", name)
    page.click("#checkin-form label[for=purpose-decoration]")
    page.fill("#checkin-form input[name=unit]", "3-2-801")
    page.wait_for_selector("#permit-chips")
    page.click("#checkin-submit")
    phone.wait_saved()
    yesterday = (datetime.now(ZoneInfo("Asia/Shanghai")).date() - timedelta(days=1)).isoformat()
    with sqlite3.connect(live.db) as conn:  # the server is down: the desk's revocation, as stored
        conn.execute("UPDATE decoration_permits SET status = 'revoked', closed_on = ? WHERE id = ?",
                     (yesterday, permit_id))
    try:
        phone.online()
        assert phone.sync_until_empty() == 0
        [item] = phone.dump(["attention"])["attention"]
        assert item["errors"] == {"permit_id": ["这张装修许可证在来访当天无效。"]}
        phone.open("sync")
        entry = page.locator("#attention li").first
        text = entry.inner_text()
        assert "装修许可证" in text and "在来访当天无效" in text and "重新提交时将不关联装修许可证" in text
        assert permit_id not in text
        page.screenshot(path=str(shots / "phone-permit-attention.png"), full_page=True)
        entry.locator("button[type=submit]").click()
        page.wait_for_selector("#toast:not([hidden])")
        assert phone.sync_until_empty() == 0
        assert phone.dump(["attention"])["attention"] == []
        assert live.query("SELECT purpose, unit, permit_id FROM visits WHERE visitor_name = ?", (name,)) == \
            [("decoration", "3-2-801", None)]
    finally:
        with sqlite3.connect(live.db, timeout=10) as conn:
            conn.execute("UPDATE decoration_permits SET status = 'active', closed_on = NULL WHERE id = ?", (permit_id,))
    assert not phone.errors


def test_the_gate_tells_a_rented_unit_and_whether_its_tenants_are_registered(phone, live, shots):
    page = phone.page
    phone.sign_in("guard1")
    phone.open("gate")
    phone.offline()
    phone.open("gate")
    rows = live.query(
        "SELECT u.code, r.registered, r.tenant_count FROM rental_households r JOIN units u ON u.id = r.unit_id "
        "JOIN sites s ON s.id = r.site_id WHERE s.name = '翠湖花园' AND r.moved_out_on IS NULL ORDER BY u.code")
    registered = next(row for row in rows if row[1])
    unregistered = next(row for row in rows if not row[1])
    page.fill("#checkin-form input[name=unit]", registered[0])
    page.locator("#rental-info .notice.info").wait_for()
    assert f"租户 {registered[2]} 人，已办暂住登记" in page.inner_text("#rental-info")
    page.fill("#checkin-form input[name=unit]", unregistered[0])
    page.locator("#rental-info .notice.warn").wait_for()
    assert "尚未办理暂住登记" in page.inner_text("#rental-info")
    page.screenshot(path=str(shots / "gate-rented-unit.png"))
    page.fill("#checkin-form input[name=unit]", "1-1-999")
    page.locator("#rental-info:empty").wait_for(state="attached")
    assert page.locator("#rental-info .notice").count() == 0
