"""Two servers sweep at the same moment: one set of follow-ups, each escalated once.

Each thread has its own app context, so its own session and database connection; a
barrier releases them together. A third case plays a server whose facts went stale while
another carried the same actions out.
"""
import threading
from collections import Counter
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.followups.actions import carry_out
from app.followups.facts import site_facts
from app.followups.sweep import run
from app.models import FollowUp
from app.models import FollowUpEvent
from app.models import Site
from app.models.sweep import SweepMark
from sync import sweep as rules
from tests.integration.followups.conftest import local
from tests.integration.followups.conftest import today


def at_once(app, now, runs=2):
    """``run(now)`` in ``runs`` threads released together; what each did, summed by key."""
    barrier = threading.Barrier(runs)
    reports, errors = [], []

    def one():
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                reports.extend(run(now))
                db.session.remove()
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=one) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert [r.error for r in reports if r.error] == []
    total = Counter()
    for report in reports:
        total.update(report.done)
    return total


def test_two_sweeps_at_once_open_each_follow_up_once(app, world):
    yesterday = today() - timedelta(days=1)
    opened = 0
    for n in range(3):  # three rounds, three chances to overlap
        done = at_once(app, local(today() - timedelta(days=2 - n), 0, 30))
        opened += sum(done[kind] for kind in rules.KINDS)
        with app.app_context():
            rows = db.session.scalars(select(FollowUp)).all()
            assert opened == len(rows) > 0
            assert db.session.scalar(select(func.count()).select_from(SweepMark)) == len(rows)
            keys = [f.detail["sweep_key"] for f in rows]
            assert len(set(keys)) == len(keys)
            created = db.session.scalar(select(func.count()).select_from(FollowUpEvent)
                                        .where(FollowUpEvent.kind == "created"))
            assert created == len(rows)
    with app.app_context():
        days = {f.detail.get("date") for f in db.session.scalars(
            select(FollowUp).where(FollowUp.source_type == "no_patrol"))}
        assert yesterday.isoformat() in days


def test_two_sweeps_at_once_escalate_each_follow_up_one_step(app, world):
    at_once(app, local(today(), 0, 30), runs=1)
    with app.app_context():
        before = {f.id: f.escalation_level for f in db.session.scalars(select(FollowUp))}
        steps_before = escalations()
    later = local(today() + timedelta(days=3), 0, 0)
    done = at_once(app, later)
    with app.app_context():
        assert escalations() - steps_before == done["escalated"] > 0
        for followup in db.session.scalars(select(FollowUp).where(FollowUp.id.in_(list(before)))):
            assert followup.escalation_level - before[followup.id] in (0, 1)
            steps = db.session.scalars(select(FollowUpEvent.value).where(
                FollowUpEvent.followup_id == followup.id, FollowUpEvent.kind == "escalate")).all()
            assert sorted(s["to_level"] for s in steps) == sorted(set(s["to_level"] for s in steps))
            if followup.escalation_level != before[followup.id]:
                assert followup.due_at > later


def escalations() -> int:
    return db.session.scalar(select(func.count()).select_from(FollowUpEvent)
                             .where(FollowUpEvent.kind == "escalate"))


def test_a_server_with_stale_facts_finds_the_work_done(app, world):
    """Both read the facts first; the one that writes second changes nothing."""
    now = local(today(), 0, 30)
    with app.app_context():
        site = db.session.scalar(select(Site).where(Site.code == "S1"))
        actions = rules.plan(site_facts(site, now), now)
        db.session.rollback()
        assert [a for a in actions if isinstance(a, rules.Open)]
    assert sum(at_once(app, now, runs=1)[k] for k in rules.KINDS) > 0
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(FollowUp))
        done = carry_out(actions, now)
        db.session.commit()
        assert sum(done.values()) == 0
        assert db.session.scalar(select(func.count()).select_from(FollowUp)) == count
