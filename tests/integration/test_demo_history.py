"""The demo's recent history: written through the sync engine, complete, and written once.

The demo is seeded once for the module (it takes seconds); what the checks need is read
into ``facts`` before the first test's teardown empties the tables.
"""
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import ChangeLog
from app.models import Inspection
from app.models import CheckpointVisit
from app.models import Complaint
from app.models import ComplaintReply
from app.models import DeviceToken
from app.models import Conflict
from app.models import Finding
from app.models import FollowUp
from app.models import FollowUpEvent
from app.models import Incident
from app.models import JournalRow
from app.models import Patrol
from app.models import Photo
from app.models import StockCheck
from app.models import StockCount
from app.models import SyncDevice
from app.models import User
from app.models import Visit
from app.models import utcnow

SHANGHAI = ZoneInfo("Asia/Shanghai")
COUNTED = [JournalRow, SyncDevice, DeviceToken, Patrol, CheckpointVisit, Finding, Visit, Incident, StockCheck,
           StockCount, Complaint, FollowUp, FollowUpEvent, Conflict, Photo, ChangeLog]


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _counts() -> dict[str, int]:
    return {model.__tablename__: _count(model) for model in COUNTED}


def _visits_per_site_day(now) -> list[int]:
    """How many visitors each gate registered on each full day of the history."""
    today = now.astimezone(SHANGHAI).date()
    rows = db.session.execute(select(Visit.site_id, Visit.checked_in_at)).all()
    per = {}
    for site_id, at in rows:
        day = at.astimezone(SHANGHAI).date()
        if day < today:
            per[(site_id, day)] = per.get((site_id, day), 0) + 1
    return sorted(per.values())


def _photo_files(app) -> list[tuple[bool, bool]]:
    """(file is a PNG, size as recorded) for every uploaded photo."""
    found = []
    for photo in db.session.scalars(select(Photo).where(Photo.uploaded.is_(True))):
        body = (Path(app.config["PHOTO_DIR"]) / photo.path).read_bytes()
        found.append((body.startswith(b"\x89PNG\r\n\x1a\n"), len(body) == photo.size))
    return found


def _facts(app) -> dict:
    now = utcnow()
    active = FollowUp.status.in_(("open", "in_progress"))
    quiet = db.session.execute(
        select(User.username, SyncDevice.pending, SyncDevice.last_seen_at)
        .join(User, User.id == SyncDevice.user_id).where(SyncDevice.pending > 0)).all()
    patrol_starts = [p.astimezone(SHANGHAI).strftime("%H:%M") for p in db.session.scalars(
        select(Patrol.started_at).join(User, User.id == Patrol.user_id).where(User.role == "manager"))]
    return {
        "now": now,
        "journal_statuses": dict(db.session.execute(
            select(JournalRow.status, func.count()).group_by(JournalRow.status)).all()),
        "journal_result_statuses": sorted({row["status"] for row in db.session.scalars(select(JournalRow.result))}),
        "deferred_then_applied": _count(JournalRow, JournalRow.applied_at > JournalRow.received_at),
        "repeated": _count(JournalRow, JournalRow.duplicates > 0),
        "skewed": _count(JournalRow, JournalRow.clock_flag == "skewed"),
        "fast_devices": _count(SyncDevice, func.abs(SyncDevice.clock_offset_ms) > 5 * 60 * 1000),
        "devices": _count(SyncDevice),
        "signed_in_phones": _count(DeviceToken, DeviceToken.revoked_at.is_(None),
                                   DeviceToken.device_id.in_(select(SyncDevice.device_id))),
        "quiet": quiet,
        "manager_patrols": _count(Patrol, Patrol.route_id.isnot(None),
                                  Patrol.user_id.in_(select(User.id).where(User.role == "manager"))),
        "patrol_starts": patrol_starts,
        "night_rounds": _count(Patrol, Patrol.user_id.in_(select(User.id).where(User.role == "guard"))),
        "missed_patrols": _count(Patrol, func.json_array_length(Patrol.missed_checkpoint_ids) > 0),
        "patrols_with_findings": db.session.scalar(select(func.count(func.distinct(Finding.patrol_id)))),
        "findings_on_spot": _count(Finding, Finding.handled_on_spot.is_(True)),
        "findings_followed": _count(Finding, Finding.followup_id.isnot(None)),
        "finding_categories": db.session.scalar(select(func.count(func.distinct(Finding.category)))),
        "findings_with_photos": _count(Photo, Photo.record_type == "finding", Photo.uploaded.is_(True)),
        "photos_missing": _count(Photo, Photo.uploaded.is_(False)),
        "photo_files": _photo_files(app),
        "visits_per_day": _visits_per_site_day(now),
        "inside_now": _count(Visit, Visit.checked_out_at.is_(None)),
        "with_plates": _count(Visit, Visit.plate.isnot(None)),
        "with_id_numbers": _count(Visit, Visit.id_number.isnot(None), Visit.phone.isnot(None)),
        "out_by_other": _count(Visit, Visit.checked_out_by != Visit.user_id),
        "flagged": _count(Incident, Incident.visit_id.isnot(None)),
        "stock_differences": _count(StockCount, StockCount.difference != 0, StockCount.superseded.is_(False)),
        "stock_defective": _count(StockCount, StockCount.defective_qty > 0),
        "stock_recounts": _count(StockCount, StockCount.superseded.is_(True)),
        "complaints": _count(Complaint),
        "complaint_replies": _count(ComplaintReply),
        "complaints_to_merge": _count(Complaint, Complaint.category == "security", Complaint.channel == "hotline"),
        "collective": _count(Complaint, Complaint.collective.is_(True)),
        "repeat": _count(Complaint, Complaint.repeat_of.isnot(None)),
        "overdue": _count(FollowUp, active, FollowUp.due_at < now, FollowUp.deleted_at.is_(None)),
        "escalated": _count(FollowUp, active, FollowUp.escalation_level >= 1),
        "escalate_events": _count(FollowUpEvent, FollowUpEvent.kind == "escalate"),
        "resolved_by_phones": sum(value == "resolved" for value in db.session.scalars(
            select(FollowUpEvent.value).where(FollowUpEvent.kind == "status", FollowUpEvent.user_id.isnot(None)))),
        "notes_by_phones": _count(FollowUpEvent, FollowUpEvent.kind == "note", FollowUpEvent.user_id.isnot(None)),
        "swept": {kind: _count(FollowUp, FollowUp.source_type == kind)
                  for kind in ("no_patrol", "missed_route", "open_visit", "patrol", "no_stock_check")},
        "waiting_reassignment_conflicts": _count(
            Conflict, Conflict.resolution.is_(None), Conflict.entity_type == "followup",
            Conflict.field == "assignee_id",
            Conflict.loser_mutation_id.in_(select(JournalRow.mutation_id)),
            Conflict.winner_mutation_id.in_(select(JournalRow.mutation_id))),
        "other_conflicts": sorted(db.session.scalars(select(Conflict.entity_type).where(
            and_(Conflict.entity_type != "followup")))),
        "future_records": _count(JournalRow, JournalRow.at_corrected > now),
        "inspections": _count(Inspection),  # Tuesdays and Thursdays, one missed at one site
    }


@pytest.fixture(scope="module")
def facts(app):
    from app.demo import seed_demo

    with app.app_context():
        assert seed_demo() is True
        first = _facts(app)
        first["counts"] = _counts()
        first["again"] = seed_demo()
        first["counts_again"] = _counts()
        db.session.remove()
    return first


def test_seeding_twice_changes_nothing(facts):
    assert facts["again"] is False
    assert facts["counts_again"] == facts["counts"]
    assert all(facts["counts"][table] > 0 for table in facts["counts"]), facts["counts"]


def test_every_mutation_was_applied_some_after_waiting(facts):
    assert facts["journal_statuses"].keys() == {"applied"}, facts["journal_statuses"]
    assert facts["journal_result_statuses"] == ["applied"]
    assert facts["deferred_then_applied"] > 0  # check-outs that arrived before their check-in
    assert facts["repeated"] > 0  # the day a phone lost its answer and sent it again
    assert facts["future_records"] == 0


@pytest.mark.parametrize("fact, low, high", [
    ("devices", 16, 16),  # a phone per person on the eight posts of each site
    ("signed_in_phones", 16, 16),
    ("fast_devices", 1, 1),
    ("skewed", 50, None),
    ("night_rounds", 28, 30),
    ("missed_patrols", 2, 2),
    ("patrols_with_findings", 10, None),
    ("findings_on_spot", 3, None),
    ("findings_followed", 10, None),
    ("finding_categories", 5, None),
    ("findings_with_photos", 5, None),
    ("photos_missing", 0, 0),
    ("inside_now", 2, None),
    ("with_plates", 20, None),
    ("with_id_numbers", 100, None),
    ("out_by_other", 20, None),
    ("flagged", 1, 1),
    ("stock_differences", 2, None),
    ("stock_defective", 1, None),
    ("stock_recounts", 1, None),
    ("complaints", 10, 13),
    ("complaint_replies", 6, None),  # worked by contacting and answering the owner
    ("complaints_to_merge", 5, 5),  # five households about one wall, for the desk to merge
    ("collective", 1, 1),
    ("repeat", 1, 1),
    ("overdue", 1, None),
    ("escalated", 1, None),
    ("escalate_events", 2, None),
    ("resolved_by_phones", 10, None),
    ("notes_by_phones", 10, None),
    ("waiting_reassignment_conflicts", 1, None),
    ("inspections", 6, 10),
])
def test_history_has_each_case(facts, fact, low, high):
    value = facts[fact]
    assert value >= low, (fact, value)
    assert high is None or value <= high, (fact, value)


def test_managers_patrol_after_the_morning_meeting_but_not_every_day(facts):
    # 14 days and today at two sites, less one day without a round at each
    assert 26 <= facts["manager_patrols"] <= 28
    assert all("08:40" <= start <= "08:50" for start in facts["patrol_starts"]), facts["patrol_starts"]
    assert facts["swept"]["no_patrol"] == 2
    assert facts["swept"]["missed_route"] == 2  # the day route on those days
    assert facts["swept"]["patrol"] == 2  # the rounds that missed the locked rooms
    assert facts["swept"]["open_visit"] >= 2
    assert facts["swept"]["no_stock_check"] == 0  # one check a month, in time


def test_each_gate_registers_20_to_40_visitors_a_day(facts):
    per_day = facts["visits_per_day"]
    assert len(per_day) == 2 * 14
    assert per_day[0] >= 20 and per_day[-1] <= 40 + 3  # the scripted visitors come on top


def test_photos_are_real_png_files_as_recorded(facts):
    assert facts["photo_files"] and all(is_png and sized for is_png, sized in facts["photo_files"])


def test_a_quiet_phone_holds_records_since_two_days(facts):
    assert len(facts["quiet"]) == 1
    username, pending, last_seen = facts["quiet"][0]
    assert username == "clean2" and pending > 0
    assert last_seen < facts["now"] - timedelta(days=1)


def test_recounts_are_conflicts_for_review(facts):
    assert facts["other_conflicts"] and set(facts["other_conflicts"]) == {"stock_count"}


def _fingerprint() -> list[tuple]:
    """What the phones sent, by the ids they made and the times they wrote."""
    return [tuple(row) for row in db.session.execute(
        select(JournalRow.mutation_id, JournalRow.type, JournalRow.at_phone, JournalRow.status)
        .order_by(JournalRow.mutation_id))]


def test_the_same_moment_gives_the_same_history(app):
    from app.demo import seed_company
    from app.demo_history import seed_history

    now = utcnow() - timedelta(hours=5)
    prints = []
    with app.app_context():
        for _ in range(2):
            assert seed_history(seed_company(), now) is True
            prints.append(_fingerprint())
            db.session.remove()
            with db.engine.begin() as conn:
                for table in reversed(db.metadata.sorted_tables):
                    conn.execute(table.delete())
    assert prints[0] and prints[0] == prints[1]
