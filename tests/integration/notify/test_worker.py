"""``flask notify run``: retried with back-off, held by quiet hours, muted channels left
out, and nothing lost or recorded twice when a worker is killed mid-batch."""
import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import Delivery
from app.models import NotifySettings
from sync import notify_rules as rules
from tests.conftest import make_config
from tests.integration.notify.conftest import NOW
from tests.integration.notify.conftest import SHANGHAI
from tests.integration.notify.conftest import add_channel
from tests.integration.notify.conftest import add_notice
from tests.integration.notify.conftest import notices
from tests.integration.notify.conftest import run_worker

ROOT = Path(__file__).resolve().parents[3]


def deliveries() -> int:
    return db.session.scalar(select(func.count()).select_from(Delivery))


def test_a_failing_robot_is_retried_with_back_off_and_then_sent_once(app, world, ctx, receiver):
    add_channel(world.site1, "wecom", f"{receiver.url}/send?key=k")
    ident = add_notice(world.site1, world.users["repair1"])
    receiver.fail = 2
    assert run_worker() == {"retry": 1}
    (notice,) = notices()
    assert (notice.attempts, notice.next_attempt_at, notice.claimed_by) == (1, NOW + timedelta(seconds=30), None)
    assert notice.last_error == "wecom: HTTP 500"
    assert run_worker(NOW + timedelta(seconds=29)) == {}  # not due yet
    assert run_worker(NOW + timedelta(seconds=30)) == {"retry": 1}
    db.session.expire_all()
    assert notices()[0].next_attempt_at == NOW + timedelta(seconds=90)
    assert run_worker(NOW + timedelta(seconds=90)) == {"done": 1}
    db.session.expire_all()
    assert notices()[0].status == "done" and deliveries() == 1
    assert [r.headers["Idempotency-Key"] for r in receiver.received] == [rules.delivery_key(
        ident, db.session.scalar(select(Delivery.channel_id)))]


def test_past_the_last_attempt_a_notice_is_failed_and_kept(app, world, ctx):
    add_channel(world.site1, "wecom", "http://127.0.0.1:9/unreachable")
    add_notice(world.site1, world.users["repair1"])
    now = NOW
    for attempt in range(1, rules.MAX_ATTEMPTS + 1):
        outcome = run_worker(now)
        db.session.expire_all()
        (notice,) = notices()
        assert outcome == ({"failed": 1} if attempt == rules.MAX_ATTEMPTS else {"retry": 1})
        now = notice.next_attempt_at or now
    assert (notice.status, notice.attempts, notice.done_at) == ("failed", rules.MAX_ATTEMPTS, now)
    assert notice.last_error.startswith("wecom: ")


def test_only_the_channel_that_failed_is_tried_again(app, world, ctx, receiver):
    add_channel(world.site1, "wecom", f"{receiver.url}/wecom")
    add_channel(world.site1, "dingtalk", "http://127.0.0.1:9/down")
    add_notice(world.site1, world.users["repair1"])
    assert run_worker() == {"retry": 1}
    assert run_worker(NOW + timedelta(minutes=1)) == {"retry": 1}
    assert [r.path for r in receiver.received] == ["/wecom"]  # sent once, not on every retry
    assert deliveries() == 1


def test_quiet_hours_hold_a_notice_but_not_what_goes_at_once(app, world, ctx, receiver):
    add_channel(world.site1, "wecom", f"{receiver.url}/send")
    db.session.add(NotifySettings(user_id=world.users["manager1"], muted=[], quiet_start="22:00", quiet_end="07:00"))
    db.session.commit()
    late = NOW.astimezone(SHANGHAI).replace(hour=23).astimezone(NOW.tzinfo)
    add_notice(world.site1, world.users["manager1"])
    add_notice(world.site1, world.users["manager1"], at_once=True, title="集体投诉：6户停水")
    assert run_worker(late) == Counter({"held": 1, "done": 1})
    assert len(receiver.received) == 1 and "6户停水" in receiver.received[0].body["markdown"]["content"]
    db.session.expire_all()
    held = notices(status="pending")[0]
    morning = (late + timedelta(hours=8)).astimezone(SHANGHAI).replace(hour=7, minute=0)
    assert held.next_attempt_at == morning
    assert run_worker(morning - timedelta(minutes=1)) == {}
    assert run_worker(morning) == {"done": 1}
    assert len(receiver.received) == 2


def test_a_person_can_mute_a_channel_for_themselves(app, world, ctx, receiver):
    add_channel(world.site1, "wecom", f"{receiver.url}/wecom")
    add_channel(world.site1, "dingtalk", f"{receiver.url}/dingtalk")
    db.session.add(NotifySettings(user_id=world.users["repair1"], muted=["wecom"]))
    db.session.commit()
    add_notice(world.site1, world.users["repair1"])
    add_notice(world.site1, world.users["clean1"])
    assert run_worker() == {"done": 2}
    assert sorted(r.path for r in receiver.received) == ["/dingtalk", "/dingtalk", "/wecom"]


def test_a_claimed_notice_is_not_taken_by_a_second_worker_until_its_lease_ends(app, world, ctx):
    from app.notify.worker import claim

    add_notice(world.site1, world.users["repair1"])
    first = claim(NOW, "one", lease=timedelta(minutes=5))
    assert len(first) == 1
    assert claim(NOW + timedelta(minutes=4), "two") == []
    (taken,) = claim(NOW + timedelta(minutes=6), "two")
    assert taken[0] == first[0][0] and taken[1] != first[0][1]


def worker(now, *extra):
    """``flask notify run --once`` in its own process, on the tests' database."""
    config = make_config()
    env = {**os.environ, "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"], "DATA_KEY": config["DATA_KEY"],
           "SECRET_KEY": config["SECRET_KEY"], "PUBLIC_URL": "https://estate.example.com"}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "notify", "run", "--once",
                             "--now", now.isoformat(), *extra], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_worker_killed_mid_batch_loses_nothing_and_the_next_records_each_once(app, world, ctx, receiver):
    channel = add_channel(world.site1, "wecom", f"{receiver.url}/send?key=k")
    idents = [add_notice(world.site1, world.users["repair1"], title=f"第{n}号") for n in range(5)]
    db.session.remove()
    receiver.hold_at = 3  # the third message reaches the robot; its answer never comes back
    first = worker(NOW, "--batch", "5")
    assert receiver.reached.wait(60), first.stderr.read() if first.poll() is not None else "no third request"
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=30)
    receiver.release.set()
    assert first.returncode == -signal.SIGKILL

    done = notices(status="done")
    assert len(done) == 2 and deliveries() == 2  # the third was sent, not recorded
    assert all(n.claimed_by for n in notices(status="pending"))
    db.session.remove()

    early = worker(NOW + timedelta(minutes=1))  # another server while the lease holds: nothing
    out, err = early.communicate(timeout=60)
    assert early.returncode == 0, err
    assert len(receiver.received) == 3

    second = worker(NOW + timedelta(minutes=6))  # past the five-minute lease
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    assert "done 3" in out
    db.session.expire_all()
    assert [n.status for n in notices()] == ["done"] * 5 and deliveries() == 5
    keys = Counter(r.headers["Idempotency-Key"] for r in receiver.received)
    assert set(keys) == {rules.delivery_key(i, channel) for i in idents}
    assert sorted(keys.values()) == [1, 1, 1, 1, 2]  # the one in flight went twice, with one key
