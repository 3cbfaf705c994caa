"""The sync client's own rules: back-off, Background Sync, signing out, the language."""


def test_backoff_doubles_up_to_ten_minutes(phone):
    phone.open("login")
    delays = phone.page.evaluate("""() => import('/static/js/lib/sync.js').then((s) =>
      [0, 1, 2, 3, 4, 10, 30].map((n) => s.backoffDelay(n, () => 0.5)))""")
    assert delays == [0, 5000, 10000, 20000, 40000, 600000, 600000]


def test_a_failed_sync_waits_before_the_next_automatic_one(phone, live):
    phone.sign_in("guard1")
    live.faults(every=1)
    assert phone.sync()["status"] == "failed"
    state = phone.meta("sync_state")
    assert state["failures"] >= 1 and state["last_error"] == "http_500"
    assert phone.page.evaluate("import('/static/js/lib/sync.js').then((s) => s.due())") is False
    live.faults(0)
    assert phone.sync()["status"] == "ok"
    assert phone.meta("sync_state")["failures"] == 0


def test_recording_asks_for_background_sync(phone, live):
    page = phone.page
    phone.sign_in("guard1")
    phone.wait_controlled()
    has_sync = page.evaluate("navigator.serviceWorker.ready.then((r) => 'sync' in r)")
    page.context.set_offline(True)
    phone.register_visitor("后台同步")
    if has_sync:
        tags = page.evaluate("navigator.serviceWorker.ready.then((r) => r.sync.getTags())")
        assert "outbox" in tags
    else:
        print("this Chromium has no Background Sync; the timer and the online event cover it")
    assert phone.badge_waiting() == 1


def test_signing_out_keeps_unsynced_entries_and_clears_the_rest(phone, live):
    page = phone.page
    phone.sign_in("cs1")
    phone.installed()
    page.context.set_offline(True)
    phone.register_visitor("未同步访客", phone="13711112222")
    phone.open("sync")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#sign-out")
    page.wait_for_url("**/m/login")
    dump = phone.dump()
    assert [e["data"]["visitor_name"] for e in dump["outbox"]] == ["未同步访客"]
    assert [r["visitor_name"] for r in dump["records"]] == ["未同步访客"]
    assert dump["refdata"] == [] and dump["visitors"] == [] and dump["drafts"] == []
    keys = {row["key"] for row in dump["meta"]}
    assert "token" not in keys and "user" not in keys and "cursor" not in keys
    assert {"device_id", "seq"} <= keys


def test_the_phone_speaks_english_when_asked(phone):
    page = phone.page
    phone.sign_in("guard1")
    phone.open("sync")
    with page.expect_navigation():  # the choice is stored, then the page reloads
        page.click("#language")
    phone.ready()
    assert page.text_content("#title") == "Sync"
    phone.open("gate")
    assert page.text_content("#title") == "Gate"
    assert page.locator(".tabs a[data-screen=patrol]").inner_text().strip() == "Patrol"
    assert page.evaluate("document.documentElement.lang") == "en"
    assert "Register entry" in page.text_content("#checkin-submit")
