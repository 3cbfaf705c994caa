"""What the clock causes, with an injected "now": a follow-up due in 30 minutes, overdue,
a phone silent for a day with records on it, the manager's 08:00 digest; each told once."""
from datetime import datetime
from datetime import timedelta

from app.extensions import db
from app.models import FollowUp
from app.models import SyncDevice
from app.notify.render import text
from app.notify.scan import scan
from sync import notify_rules as rules
from tests.integration.notify.conftest import NOW
from tests.integration.notify.conftest import SHANGHAI
from tests.integration.notify.conftest import notices
from tests.integration.notify.conftest import run_worker
from tests.integration.notify.test_outbox import finding


def test_due_in_30_minutes_then_overdue_each_once(app, client, world, ctx):
    finding(client, world, "5号楼电梯异响")
    followup = db.session.scalar(db.select(FollowUp))
    followup.due_at = NOW + timedelta(minutes=20)
    db.session.commit()
    owner, ident = followup.assignee_id, followup.id

    assert scan(NOW - timedelta(minutes=15)) == 0  # 35 minutes ahead: not yet
    assert scan(NOW) == 1
    assert scan(NOW + timedelta(minutes=5)) == 0
    (soon,) = notices(event=rules.DUE_SOON)
    assert (soon.user_id, soon.subject_id, soon.params["due"]) == (owner, ident, "2026-12-04 15:20")
    assert scan(NOW + timedelta(minutes=21)) == 1
    (late,) = notices(event=rules.OVERDUE)
    assert late.user_id == owner
    with app.test_request_context():
        assert text(late) == ("跟进已逾期", "5号楼电梯异响 — 原定 2026-12-04 15:20 完成，尚未解决。")
    assert scan(NOW + timedelta(days=2)) == 0

    followup = db.session.get(FollowUp, ident)
    followup.due_at = NOW + timedelta(days=3)  # a new due time is a new clock
    db.session.commit()
    assert scan(NOW + timedelta(days=3, minutes=-10)) == 1


def test_a_phone_silent_for_a_day_with_records_tells_the_admin(app, world, ctx):
    db.session.add_all([
        SyncDevice(device_id="phone-clean1", user_id=world.users["clean1"], pending=3,
                   last_seen_at=NOW - timedelta(hours=30)),
        SyncDevice(device_id="phone-repair1", user_id=world.users["repair1"], pending=0,
                   last_seen_at=NOW - timedelta(days=3)),  # nothing waiting on it
        SyncDevice(device_id="phone-guard1", user_id=world.users["guard1"], pending=5,
                   last_seen_at=NOW - timedelta(hours=2)),  # synced lately
    ])
    db.session.commit()
    assert scan(NOW) == 1 and scan(NOW + timedelta(hours=1)) == 0
    (silent,) = notices(event=rules.SILENT)
    assert silent.user_id == world.users["admin1"] and silent.site_id == world.site1
    with app.test_request_context():
        assert text(silent)[1] == "clean1的手机有 3 条记录待同步，最后同步于 2026-12-03 09:00。"


def test_the_managers_digest_at_8_site_time(app, world, ctx):
    morning = datetime(2026, 12, 4, 8, 0, tzinfo=SHANGHAI)
    assert scan(morning - timedelta(minutes=1)) == 0
    assert scan(morning) == 2 and scan(morning + timedelta(hours=1)) == 0  # one manager at each site
    (digest,) = notices(event=rules.DIGEST, user_id=world.users["manager1"])
    assert (digest.site_id, digest.subject_type) == (world.site1, "calendar")
    with app.test_request_context():
        title, line = text(digest)
    assert title == "早间摘要"
    assert line.startswith("昨天（2026-12-03）：晨会：未完成；经理每日巡视：未完成；manager1 未巡视；")
    assert "经理日清：未完成；manager1 未提交。" in line
    assert line.endswith("今天：未结跟进 0 条，其中逾期 0 条。")
    assert run_worker(morning) == {"done": 2}
    assert scan(morning + timedelta(days=1)) == 2  # the next day's
