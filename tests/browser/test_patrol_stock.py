"""Ending a patrol with missed checkpoints, a blind stock count, a full phone."""
import json

from tests.browser.images import png


def test_ending_a_patrol_lists_the_missed_checkpoints(phone, live, shots):
    """The round ends with its missed checkpoints named, and stays on the phone as today's
    summary; a finding's places are offered in route order."""
    page = phone.page
    phone.sign_in("lead1")
    phone.open("patrol")
    page.click("#routes li:has-text('夜间巡更路线') button[data-route]")
    phone.wait_saved()
    route_order = page.locator("#checkpoints li strong").all_inner_texts()
    page.click("#add-finding")
    page.locator("#finding-form").wait_for()
    places = page.locator("#finding-form select[name=checkpoint_id] option").all_inner_texts()
    assert places[1:len(route_order) + 1] == route_order
    page.click("#finding-form button:text-is('取消')")
    for n in range(5):
        page.click("#checkpoints button[data-checkpoint] >> nth=0")
        phone.wait_saved()
    assert "5 / 7" in page.text_content("#patrol-progress")
    page.click("#end-patrol")
    missed = page.locator("#missed li").all_inner_texts()
    assert missed == ["垃圾站", "南侧围墙"]
    page.fill("#end-form textarea[name=notes]", "垃圾站施工封闭")
    page.click("#end-submit")
    phone.wait_saved()
    assert page.locator("#routes").count() == 1
    summary = page.locator("#rounds li.round").first
    summary.locator("summary").click()
    text = summary.inner_text()
    assert "夜间巡更路线" in text and "5 / 7" in text and "未到：垃圾站、南侧围墙" in text
    assert summary.locator(".round-visits li").all_inner_texts()[0].endswith(route_order[0])
    page.screenshot(path=str(shots / "patrol-today.png"), full_page=True)
    patrol_id = next(r["id"] for r in phone.dump(["records"])["records"] if r["kind"] == "patrol")
    assert phone.sync_until_empty() == 0
    rows = live.query("SELECT ended_at IS NOT NULL, notes FROM patrols WHERE id = ?", (patrol_id,))
    assert rows == [(1, "垃圾站施工封闭")]


def test_blind_count_shows_the_books_only_after_counting_and_lists_differences(phone, live):
    page = phone.page
    phone.sign_in("store1")
    phone.open("stock")
    page.click("label[for=size-0]")
    assert page.locator("#stock-start input[name=blind]").count() == 0  # the site's rule, not the counter's
    assert "盲盘" in page.text_content("#blind-rule")
    page.click("#stock-start button[type=submit]")
    phone.wait_saved()
    first = page.locator("#count-items li").first
    assert "账面" not in first.inner_text()
    items = {r["id"]: r for r in (x["data"] | {"id": x["id"]} for x in phone.dump(["refdata"])["refdata"]
                                  if x["type"] == "item")}
    item_id = first.get_attribute("data-item")
    book = items[item_id]["book_qty"]
    first.locator("input[name=counted_qty]").fill(str(book + 2))
    first.locator("input[name=defective_qty]").fill("1")
    first.locator("button[type=submit]").click()
    phone.wait_saved()
    first = page.locator(f"#count-items li[data-item='{item_id}']")
    assert f"账面 {book}" in first.inner_text() and "差异 +2" in first.inner_text()
    second = page.locator("#count-items li").nth(1)
    second_book = items[second.get_attribute("data-item")]["book_qty"]
    second.locator("input[name=counted_qty]").fill(str(second_book))
    second.locator("button[type=submit]").click()
    phone.wait_saved()
    # A defective count above the counted one is refused on the phone.
    third = page.locator("#count-items li").nth(2)
    third.locator("input[name=counted_qty]").fill("1")
    third.locator("input[name=defective_qty]").fill("3")
    third.locator("button[type=submit]").click()
    assert "不合格数应在" in third.inner_text()

    page.click("#finish-open")
    differences = page.locator("#differences li").all_inner_texts()
    assert len(differences) == 1 and "(+2)" in differences[0]
    assert "还有" in page.text_content("#finish-form")
    page.click("#finish-submit")
    phone.wait_saved()
    check_id = next(r["id"] for r in phone.dump(["records"])["records"] if r["kind"] == "stock_check")
    assert phone.sync_until_empty() == 0
    counts = live.query("SELECT item_id, counted_qty, defective_qty FROM stock_counts WHERE check_id = ? "
                        "ORDER BY counted_at", (check_id,))
    assert [(c[0], float(c[1])) for c in counts][0] == (item_id, float(book + 2))
    assert float(counts[0][2]) == 1.0
    assert live.query("SELECT finished_at IS NOT NULL FROM stock_checks WHERE id = ?", (check_id,)) == [(1,)]


def test_a_recount_after_the_book_is_shown_reaches_the_manager(phone, live, shots):
    """The first count is kept; a recount asks first, needs a reason, and the difference
    it clears reaches the server as the manager's to approve, with both figures."""
    page = phone.page
    phone.sign_in("store1")
    phone.offline()
    first, item_id, book = phone.start_stock_check()
    first.locator("input[name=counted_qty]").fill(str(book - 3))
    first.locator("button[type=submit]").click()
    phone.wait_saved()
    item = page.locator(f"#count-items li[data-item='{item_id}']")
    assert "差异 -3" in item.inner_text()

    item.locator("button[type=submit]").click()  # asks: nothing recorded yet
    assert len(phone.outbox()) == 2
    item.locator("textarea[name=note]").wait_for()
    item.locator("input[name=counted_qty]").fill(str(book))
    item.locator("button[type=submit]").click()
    error = item.locator("#error-note")
    error.wait_for()
    assert error.text_content() == "请填写复盘原因。"
    assert page.evaluate("document.activeElement.name") == "note"
    assert len(phone.outbox()) == 2
    item.locator("textarea[name=note]").fill("货架下层漏数")
    item.locator("button[type=submit]").click()
    phone.wait_saved()
    item = page.locator(f"#count-items li[data-item='{item_id}']")
    text = item.inner_text()
    assert f"首次清点 {book - 3}，复盘 {book}" in text and "待经理审批" in text
    item.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "stock-recount.png"))
    page.click("#finish-open")
    assert page.locator("#finish-open").is_hidden()
    finish_buttons = [b for b in page.locator("button:visible").all_inner_texts() if "完成" in b]
    assert len(finish_buttons) == 1, finish_buttons
    page.click("#finish-submit")
    phone.wait_saved()
    phone.online()
    assert phone.sync_until_empty() == 0

    counts = live.query("SELECT counted_qty, superseded, note FROM stock_counts WHERE item_id = ? "
                        "ORDER BY counted_at DESC LIMIT 2", (item_id,))
    assert [(float(q), bool(s), n) for q, s, n in counts] == [(float(book), False, "货架下层漏数"),
                                                             (float(book - 3), True, None)]
    [(post, who, status, detail)] = live.query(
        "SELECT f.post, u.username, f.status, f.detail FROM followups f JOIN users u ON u.id = f.assignee_id "
        "WHERE f.detail LIKE ? AND f.detail LIKE ? AND f.deleted_at IS NULL", ("%cleared_by_recount%", f"%{item_id}%"))
    assert (post, who, status) == ("manager", "manager1", "open")
    detail = json.loads(detail)
    assert float(detail["blind_qty"]) == book - 3 and float(detail["counted_qty"]) == book
    assert detail["reason"] == "货架下层漏数"


def test_a_full_phone_says_so_before_storing_a_photo(phone, tmp_path):
    page = phone.page
    page.add_init_script("""navigator.storage.estimate = async () => ({ usage: 99 * 1024 * 1024, quota: 100 * 1024 * 1024 });""")
    phone.sign_in("manager1")
    phone.open("patrol")
    if page.locator("#routes").count():
        page.click("#routes li >> nth=0 >> button[data-route]")
        phone.wait_saved()
    page.click("#add-finding")
    picture = tmp_path / "p.png"
    picture.write_bytes(png(800, 600))
    page.set_input_files("#finding-form input[type=file]", str(picture))
    page.wait_for_selector("#finding-form .notice.error")
    assert "存储空间已满" in page.text_content("#finding-form")
    assert page.locator("#finding-form .photos img").count() == 0
    phone.open("sync")
    assert "99.0 MB / 100.0 MB" in page.text_content("#storage")


def test_a_record_that_cannot_be_written_says_not_saved(phone):
    """When IndexedDB refuses the write (quota), does the guard see it was NOT saved?"""
    page = phone.page
    phone.sign_in("guard1")
    phone.open("gate")
    page.evaluate("""() => {
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function (...args) {
        if (this.name === 'outbox') throw new DOMException('quota', 'QuotaExceededError');
        return put.apply(this, args);
      };
    }""")
    page.fill("#checkin-form input[name=visitor_name]", "存不下")
    page.click("label[for=purpose-visit]")
    page.click("#checkin-submit")
    page.wait_for_selector("#toast[data-kind=error]:not([hidden])")
    assert "未保存" in page.text_content("#toast")
    assert phone.outbox() == []
    assert page.input_value("#checkin-form input[name=visitor_name]") == "存不下"
