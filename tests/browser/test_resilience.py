"""Nothing lost, nothing doubled: expired tokens, a failing server, a killed browser."""
import os
import signal
import uuid
from pathlib import Path

from tests.browser.phone import Phone


def visits_named(live, name):
    return live.query("SELECT count(*) FROM visits WHERE visitor_name = ?", (name,))[0][0]


def test_token_revoked_while_offline_sign_in_again_and_nothing_is_lost(phone, live):
    page = phone.page
    phone.sign_in("guard2")
    phone.installed()
    page.context.set_offline(True)
    names = [f"撤销{uuid.uuid4().hex[:4]}" for _ in range(2)]
    for name in names:
        phone.register_visitor(name)
    live.control("revoke", {"username": "guard2"})
    page.context.set_offline(False)
    assert phone.sync()["status"] == "unauthorized"
    assert len(phone.outbox()) == 2
    phone.open("gate")
    page.wait_for_selector("#banner:not([hidden]) a[href='/m/login']")

    phone.sign_in("guard2")
    assert phone.sync_until_empty() == 0
    assert [visits_named(live, n) for n in names] == [1, 1]


def test_a_server_failing_one_request_in_five_loses_and_doubles_nothing(phone, live):
    """With 20 % of API requests answering 500 or timing out after applying, is each record there once?"""
    page = phone.page
    phone.sign_in("lead2")
    phone.set_request_timeout(1500)
    live.faults(every=5, mode="mixed", delay=2.5)
    names = []
    for i in range(10):
        name = f"故障{i}{uuid.uuid4().hex[:4]}"
        names.append(name)
        phone.register_visitor(name)
        if i % 3 == 0:
            page.click(f"#inside li:has-text('{name}') button[data-action=check-out]")
            phone.wait_saved()
        phone.sync()
    assert phone.sync_until_empty(attempts=40) == 0
    stats = live.control("stats")
    live.faults(0)
    assert phone.dump(["attention"])["attention"] == []
    assert [visits_named(live, n) for n in names] == [1] * 10
    left = [names[i] for i in (0, 3, 6, 9)]
    out = live.query("SELECT count(*) FROM visits WHERE checked_out_at IS NOT NULL AND visitor_name IN (?, ?, ?, ?)",
                     tuple(left))
    assert out == [(4,)]
    journal = live.query("SELECT count(*) FROM sync_journal WHERE device_id = ?", (phone.meta("device_id"),))[0][0]
    assert journal >= 14
    assert stats["count"] >= 10 and stats["failed"] >= 2


def browser_pid(profile: Path) -> int:
    """The Chromium main process started on this profile (our own, by its --user-data-dir)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"--user-data-dir={profile}".encode() in args and not any(a.startswith(b"--type=") for a in args):
            return int(entry.name)
    raise AssertionError("no Chromium process for this profile")


def test_the_record_survives_killing_the_browser_right_after_saved(launch_profile, live, tmp_path):
    context = launch_profile()
    phone = Phone(context.pages[0] if context.pages else context.new_page(), live)
    phone.sign_in("guard1")
    phone.offline()
    name = f"断电{uuid.uuid4().hex[:4]}"
    phone.register_visitor(name, id_number="110101199001061234")
    os.kill(browser_pid(tmp_path / "profile"), signal.SIGKILL)

    context = launch_profile(offline=True)
    phone = Phone(context.pages[0] if context.pages else context.new_page(), live)
    phone.open("gate")
    assert name in phone.page.text_content("#inside")
    assert [e["data"]["visitor_name"] for e in phone.outbox()] == [name]
    live.start()
    context.set_offline(False)
    assert phone.sync_until_empty() == 0
    assert visits_named(live, name) == 1
