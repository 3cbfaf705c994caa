"""A repair worker, offline at 390x844, records a visit with a material from the store and
the owner's sign-off; after the sync the server holds the work, the stock movement out of
the store (the book quantity dropped by exactly what was used) and the sign-off."""
from tests.browser.images import png

BOOK_SQL = """SELECT COALESCE(SUM(CASE WHEN direction = 'in' THEN quantity ELSE -quantity END), 0)
              FROM stock_movements WHERE item_id = ?"""


def test_a_repair_worker_records_work_with_a_material_and_the_signoff_offline(phone, live, shots, tmp_path):
    page = phone.page
    phone.sign_in("repair1")
    phone.open("repairs")
    assert page.locator("nav.tabs a[data-screen=repairs]").is_visible()
    card = page.locator("#repairs li[data-repair]").first
    repair_id = card.get_attribute("data-repair")
    ((number, unit),) = live.query("SELECT number, unit FROM repair_orders WHERE id = ?", (repair_id,))
    assert unit in card.inner_text()
    ((item_id, item_name),) = live.query(
        "SELECT i.id, i.name FROM items i JOIN repair_orders r ON r.site_id = i.site_id "
        "WHERE r.id = ? AND i.name = '开关面板'", (repair_id,))
    ((book_before,),) = live.query(BOOK_SQL, (item_id,))

    # The network goes; the phone still opens the screen and records everything.
    phone.offline()
    phone.open("repairs")
    card = page.locator(f"#repairs li[data-repair='{repair_id}']")
    card.locator("summary").click()
    form = card.locator("#repair-work-form")
    # Nothing written yet: the phone says what is missing, beside the field, in Chinese.
    form.locator("button[type=submit]").click()
    assert "请填写维修内容" in form.inner_text()
    form.locator("textarea[name=work_done]").fill("更换插座面板一个，通电测试正常")
    form.locator("select[name=material_item]").select_option(item_id)
    form.locator("input[name=material_qty]").fill("1")
    form.locator("#material-add").click()
    assert item_name in form.locator("#materials-list").inner_text()
    before, after = tmp_path / "before.png", tmp_path / "after.png"
    before.write_bytes(png(640, 480, (120, 80, 40)))
    after.write_bytes(png(640, 480, (40, 160, 90)))
    form.locator("input[name=before_photos]").set_input_files(str(before))
    form.locator("input[name=after_photos]").set_input_files(str(after))
    page.wait_for_function("document.querySelectorAll('#repair-work-form .photos img').length === 2")
    page.screenshot(path=str(shots / "repairs-work.png"), full_page=True)
    form.locator("button[type=submit]").click()
    phone.wait_saved()

    card = page.locator(f"#repairs li[data-repair='{repair_id}']")
    card.locator("summary").click()
    signoff = card.locator("#repair-signoff-form")
    signoff.locator("button[type=submit]").click()
    assert "请选择业主的满意程度" in signoff.inner_text()
    signoff.locator("label[for$=satisfaction-satisfied]").click()
    signoff.locator("textarea[name=opinion]").fill("师傅很专业")
    signoff.locator("button[type=submit]").click()
    page.wait_for_selector("#toast:not([hidden]):has-text('业主已签字确认')", timeout=15000)
    # Done: the order leaves the repair worker's list.
    assert page.locator(f"#repairs li[data-repair='{repair_id}']").count() == 0
    page.screenshot(path=str(shots / "repairs-signed.png"), full_page=True)
    types = [e["type"] for e in phone.outbox()]
    assert "repair.work" in types and "repair.signoff" in types

    # Back online: the outbox empties and the server has it all.
    phone.online()
    assert phone.sync_until_empty() == 0
    assert not phone.errors, phone.errors
    works = live.query("SELECT work_done, materials FROM repair_works WHERE repair_id = ?", (repair_id,))
    assert len(works) == 1 and works[0][0] == "更换插座面板一个，通电测试正常"
    assert item_id in works[0][1]
    moved = live.query("SELECT direction, quantity FROM stock_movements WHERE reference = ? AND item_id = ?",
                       (number, item_id))
    assert [(d, float(q)) for d, q in moved] == [("out", 1.0)]
    ((book_after,),) = live.query(BOOK_SQL, (item_id,))
    assert float(book_before) - float(book_after) == 1.0
    ((status, satisfaction, opinion),) = live.query(
        "SELECT status, satisfaction, opinion FROM repair_orders WHERE id = ?", (repair_id,))
    assert (status, satisfaction, opinion) == ("signed_off", "satisfied", "师傅很专业")
    photos = live.query("SELECT COUNT(*) FROM photos WHERE record_id IN "
                        "(SELECT id FROM repair_works WHERE repair_id = ?) AND uploaded = 1", (repair_id,))
    assert photos == [(2,)]
