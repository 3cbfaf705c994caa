"""The gate screen as a guard uses it: few taps, the roster and watch list offline, masking."""
import uuid

TAP_COUNTER = """() => {
  window.__taps = 0;
  window.__firstTap = null;
  document.addEventListener('pointerdown', () => {
    window.__taps += 1;
    if (window.__firstTap === null) window.__firstTap = performance.now();
  }, true);
}"""


def test_walk_in_delivery_takes_at_most_six_taps(phone, live):
    """Can a walk-in delivery be registered in at most 6 taps and 15 seconds?"""
    page = phone.page
    phone.sign_in("guard1")
    phone.open("gate")
    page.evaluate(TAP_COUNTER)
    page.click("#checkin-form input[name=visitor_name]")
    page.keyboard.type("张师傅")
    page.click("label[for=purpose-delivery]")
    page.click("#checkin-form input[name=unit]")
    page.keyboard.type("1-1-101")
    page.click("#unit-suggestions button:text-is('1-1-101')")
    page.click("#checkin-submit")
    phone.wait_saved()
    taps, elapsed_ms = page.evaluate("[window.__taps, performance.now() - window.__firstTap]")
    print(f"walk-in delivery: {taps} taps, {elapsed_ms / 1000:.1f} s")
    assert taps <= 6
    assert elapsed_ms <= 15000
    assert "张师傅" in page.text_content("#inside")
    assert phone.sync_until_empty() == 0
    rows = live.query("SELECT purpose, party_size, unit FROM visits WHERE visitor_name = ?", ("张师傅",))
    assert rows == [("delivery", 1, "1-1-101")]


def test_double_tap_on_submit_records_once(phone, live):
    page = phone.page
    phone.sign_in("guard1")
    phone.offline()
    name = f"双击{uuid.uuid4().hex[:4]}"
    phone.open("gate")
    page.fill("#checkin-form input[name=visitor_name]", name)
    page.click("label[for=purpose-visit]")
    page.dblclick("#checkin-submit")
    phone.wait_saved()
    page.wait_for_timeout(500)
    assert [e["data"]["visitor_name"] for e in phone.outbox()] == [name]
    assert page.locator(f"#inside li:has-text('{name}')").count() == 1


def test_roster_watch_list_and_returning_visitor_work_offline(phone, live):
    """Offline: a resident's plate is known, the watch list warns, a returning visitor is filled in."""
    page = phone.page
    phone.sign_in("guard1")
    kinds = {r["type"] for r in phone.dump(["refdata"])["refdata"]}
    assert {"vehicle", "watch", "unit"} <= kinds
    phone.offline()
    phone.open("gate")

    page.fill("#checkin-form input[name=plate]", "粤B 11188")
    assert "业主车辆" in page.text_content("#plate-info")
    page.fill("#checkin-form input[name=plate]", "粤B99999")
    assert "外来车辆" in page.text_content("#plate-info")

    page.fill("#checkin-form input[name=phone]", "139-0000-1111")
    page.press("#checkin-form input[name=phone]", "Tab")
    page.wait_for_selector("#watch-alert .alert-watch")
    alert = page.text_content("#watch-alert")
    assert "关注名单" in alert and "139****1111" in alert
    page.fill("#checkin-form input[name=phone]", "")
    page.fill("#checkin-form input[name=plate]", "")
    page.fill("#checkin-form input[name=visitor_name]", "赵六")
    page.press("#checkin-form input[name=visitor_name]", "Tab")
    page.wait_for_selector("#watch-alert .alert-watch")
    assert "赵六" in page.text_content("#watch-alert")

    # A visitor registered once is recognised by phone number next time.
    name = f"回访{uuid.uuid4().hex[:4]}"
    phone.register_visitor(name, purpose="decoration", unit="2-1-301", phone="13612345678", plate="粤C12345")
    phone.open("gate")
    page.fill("#checkin-form input[name=phone]", "136 1234 5678")
    page.wait_for_selector("#phone-info .notice")
    assert name in page.text_content("#phone-info")
    assert page.input_value("#checkin-form input[name=visitor_name]") == name
    assert page.input_value("#checkin-form input[name=unit]") == "2-1-301"
    assert page.is_checked("#purpose-decoration")
    dump = phone.dump_text()
    assert "13612345678" not in dump.replace(phone.outbox_text(), "")


FIND_STRANGER = """async () => {
  const { rows } = await import('/static/js/lib/refdata.js');
  const { mayHold } = await import('/static/js/lib/watchfilter.js');
  const { currentSite } = await import('/static/js/lib/session.js');
  const [filter] = await rows('watch_filter', await currentSite());
  for (let n = 0; n < 100000; n += 1) {
    const number = `135${String(n).padStart(8, '0')}`;
    if (await mayHold(filter, 'phone', number)) return number;
  }
  return null;
}"""


def test_watch_filter_warns_offline_without_holding_a_number(phone, live):
    """Offline, the site's filter warns for a listed plate; a number that merely passes the
    filter (one in a thousand) gets the careful "possibly" warning; the phone holds no
    salt or hash of any one entry."""
    page = phone.page
    phone.sign_in("guard1")
    refdata = phone.dump(["refdata"])["refdata"]
    watch = [r["data"] for r in refdata if r["type"] == "watch"]
    assert watch and all(not {"salt", "phone_hash", "plate_hash", "id_hash"} & set(w) for w in watch)
    assert [r["type"] for r in refdata if "salt" in r["data"]] == ["watch_filter"]
    phone.offline()
    phone.open("gate")

    page.fill("#checkin-form input[name=plate]", "粤B 66666")
    page.wait_for_selector("#watch-alert .alert-watch")
    alert = page.text_content("#watch-alert")
    assert "关注名单（车牌相符）" in alert and "赵六" in alert
    page.fill("#checkin-form input[name=plate]", "")
    page.wait_for_function("!document.querySelector('#watch-alert .alert-watch')")

    stranger = page.evaluate(FIND_STRANGER)
    assert stranger and stranger != "13900001111"
    page.fill("#checkin-form input[name=phone]", stranger)
    page.press("#checkin-form input[name=phone]", "Tab")
    page.wait_for_selector("#watch-alert .alert-watch")
    alert = page.text_content("#watch-alert")
    assert "可能在关注名单（手机号）" in alert and "赵六" not in alert


def test_id_number_is_masked_on_screen_once_entered(phone):
    page = phone.page
    phone.sign_in("guard1")
    phone.open("gate")
    page.fill("#checkin-form input[name=id_number]", "11010119900107123X")
    page.press("#checkin-form input[name=id_number]", "Tab")
    assert page.input_value("#checkin-form input[name=id_number]") == "110101********123X"
    assert "11010119900107123X" not in page.content()


def test_visitor_inside_too_long_is_marked(phone):
    """Is a visitor inside longer than the site's limit marked, and does check-out take one tap?"""
    page = phone.page
    phone.sign_in("guard1")
    phone.open("gate")
    name = f"久留{uuid.uuid4().hex[:4]}"
    page.evaluate("""(name) => import('/static/js/lib/outbox.js').then(async (o) => {
      const site = (await import('/static/js/lib/session.js')).currentSite;
      const siteId = await site();
      const at = new Date(Date.now() - 5 * 3600 * 1000).toISOString();
      const id = crypto.randomUUID();
      await o.record({ mutations: [{ type: 'visit.check_in', entity_id: id, at,
        data: { site_id: siteId, visitor_name: name, purpose: 'visit', party_size: 1 } }],
        records: [{ id, kind: 'visit', site_id: siteId, visitor_name: name, purpose: 'visit',
          checked_in_at: at, checked_out_at: null }] });
    })""", name)
    phone.open("gate")
    row = page.locator(f"#inside li:has-text('{name}')")
    assert "overdue" in row.get_attribute("class")
    assert "超时" in row.inner_text()
    page.evaluate(TAP_COUNTER)
    row.locator("button[data-action=check-out]").click()
    phone.wait_saved()
    assert page.evaluate("window.__taps") == 1
    assert page.locator(f"#inside li:has-text('{name}')").count() == 0


def test_flagging_a_suspicious_visitor_reaches_the_server(phone, live, tmp_path):
    from tests.browser.images import png

    page = phone.page
    phone.sign_in("lead1")
    name = f"可疑{uuid.uuid4().hex[:4]}"
    phone.register_visitor(name, purpose="other")
    page.click(f"#inside li:has-text('{name}') button.danger")
    page.fill("#flag-form textarea[name=description]", "在3号楼反复徘徊，自称找朋友但说不出房号")
    picture = tmp_path / "flag.png"
    picture.write_bytes(png(640, 480, (90, 90, 90)))
    page.set_input_files("#flag-form input[type=file]", str(picture))
    page.wait_for_selector("#flag-form .photos img")
    page.click("#flag-form button[type=submit]")
    phone.wait_saved()
    flag = [e for e in phone.outbox() if e["type"] == "visit.flag"]
    assert phone.sync_until_empty() == 0
    visit_id = live.query("SELECT id FROM visits WHERE visitor_name = ?", (name,))[0][0]
    rows = live.query("SELECT visit_id, description FROM incidents WHERE visit_id = ?", (visit_id,))
    assert len(rows) == 1 and "徘徊" in rows[0][1]
    assert not flag or flag[0]["data"]["visit_id"] == visit_id


def test_a_watch_list_match_needs_a_decision_and_admitting_tells_the_team_leader(phone, live, shots):
    """A match is not a banner to tap past: the guard refuses or admits, the choice is
    recorded, an admitted visitor is marked in the inside list and a follow-up opens."""
    page = phone.page
    phone.sign_in("guard1")
    phone.offline()
    phone.open("gate")
    page.fill("#checkin-form input[name=visitor_name]", "赵六")
    page.click("label[for=purpose-visit]")
    page.click("#checkin-submit")
    page.locator("#error-watch_action").wait_for()
    assert page.locator("#error-watch_action").text_content() == "请选择对关注名单人员的处理。"
    assert page.locator("#watch-decision").is_visible()
    assert phone.outbox() == []
    page.screenshot(path=str(shots / "gate-watch-decision.png"))

    page.click("label[for=watch_action-admit]")
    page.click("#checkin-submit")
    phone.wait_saved()
    sent = {e["type"]: e for e in phone.outbox()}
    assert set(sent) == {"visit.check_in", "visit.flag"}
    assert sent["visit.flag"]["data"]["visit_id"] == sent["visit.check_in"]["entity_id"]
    assert "赵六" in sent["visit.flag"]["data"]["description"]
    assert page.locator("#inside li:has-text('赵六') .watch-mark").count() == 1

    page.fill("#checkin-form input[name=visitor_name]", "赵六")
    page.click("label[for=purpose-visit]")
    page.press("#checkin-form input[name=visitor_name]", "Tab")
    page.click("label[for=watch_action-refuse]")
    page.click("#checkin-submit")
    phone.wait_saved()
    assert [e["type"] for e in phone.outbox()].count("visit.check_in") == 1
    assert page.locator("#inside li:has-text('赵六')").count() == 1

    phone.online()
    assert phone.sync_until_empty() == 0
    visit_id = sent["visit.check_in"]["entity_id"]
    assert live.query("SELECT visitor_name FROM visits WHERE id = ?", (visit_id,)) == [("赵六",)]
    flags = live.query("SELECT visit_id, description FROM incidents WHERE description LIKE ?", ("%赵六%",))
    assert sorted((v is not None, d[:4]) for v, d in flags) == [(False, "拒绝进入"), (True, "已放行：")]
    assert live.query("SELECT count(*) FROM followups WHERE source_type = 'incident' AND source_id IN "
                      "(SELECT id FROM incidents WHERE visit_id = ?)", (visit_id,)) == [(1,)]


def test_the_next_guard_on_the_phone_sees_who_is_inside_and_checks_them_out(phone, live, shots):
    """A shift change on one phone: the visitor registered by the guard going off duty is
    in the next guard's inside list, checked out by them offline, under their own name."""
    page = phone.page
    phone.sign_in("guard1")
    name = f"交接{uuid.uuid4().hex[:4]}"
    phone.register_visitor(name, purpose="visit")
    assert phone.sync_until_empty() == 0
    phone.open("sync")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#sign-out")
    page.wait_for_url("**/m/login")

    phone.sign_in("lead1")
    phone.offline()
    phone.open("gate")
    row = page.locator(f"#inside li:has-text('{name}')")
    assert row.count() == 1
    page.screenshot(path=str(shots / "gate-next-guard.png"))
    row.locator("button[data-action=check-out]").click()
    phone.wait_saved()
    assert page.locator(f"#inside li:has-text('{name}')").count() == 0
    phone.online()
    assert phone.sync_until_empty() == 0
    (visit_user, out_by), = live.query(
        "SELECT v.user_id, v.checked_out_by FROM visits v WHERE v.visitor_name = ?", (name,))
    users = dict(live.query("SELECT username, id FROM users WHERE username IN ('guard1', 'lead1')"))
    assert (visit_user, out_by) == (users["guard1"], users["lead1"])
