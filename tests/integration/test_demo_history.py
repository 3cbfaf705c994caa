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
from app.models import Meeting
from app.models import Patrol
from app.models import Photo
from app.models import ManagerReport
from app.models import ChecklistSignoff
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
    from app.demo_history import first_day

    now = utcnow()
    today = now.astimezone(SHANGHAI).date()
    active = FollowUp.status.in_(("open", "in_progress"))
    quiet = db.session.execute(
        select(User.username, SyncDevice.pending, SyncDevice.last_seen_at)
        .join(User, User.id == SyncDevice.user_id).where(SyncDevice.pending > 0)).all()
    patrol_starts = [p.astimezone(SHANGHAI).strftime("%H:%M") for p in db.session.scalars(
        select(Patrol.started_at).join(User, User.id == Patrol.user_id).where(User.role == "manager"))]
    return {
        "now": now,
        "days": (today - first_day(today)).days,  # 14, and the rest of their first month
        "journal_statuses": dict(db.session.execute(
            select(JournalRow.status, func.count()).group_by(JournalRow.status)).all()),
        "journal_result_statuses": sorted({row["status"] for row in db.session.scalars(select(JournalRow.result))}),
        "deferred_then_applied": _count(JournalRow, JournalRow.applied_at > JournalRow.received_at),
        "repeated": _count(JournalRow, JournalRow.duplicates > 0),
        "skewed": _count(JournalRow, JournalRow.clock_flag == "skewed"),
        "fast_devices": _count(SyncDevice, func.abs(SyncDevice.clock_offset_ms) > 5 * 60 * 1000),
        # phones only: the desk signs last month's checklist as the device ``desktop:<user id>``
        "devices": _count(SyncDevice, ~SyncDevice.device_id.startswith("desktop:")),
        "daily_reports": _count(ManagerReport, ManagerReport.kind == "daily"),
        "weekly_summaries": _count(ManagerReport, ManagerReport.kind == "weekly"),
        "checklist_signoffs": _count(ChecklistSignoff),
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
        "meetings": [(m.site_id, m.kind, m.started_at, len(m.attendee_ids)) for m in db.session.scalars(
            select(Meeting).order_by(Meeting.started_at))],
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
    ("checklist_signoffs", 9, 9),  # last month's: five at the first site, four at the second
    ("skewed", 50, None),
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
])
def test_history_has_each_case(facts, fact, low, high):
    value = facts[fact]
    assert value >= low, (fact, value)
    assert high is None or value <= high, (fact, value)


def test_the_history_reaches_back_to_the_first_of_its_first_month(facts):
    days = facts["days"]
    assert 14 <= days <= 14 + 30
    assert 2 * days <= facts["night_rounds"] <= 2 * (days + 1)
    # The scripted complaints of the days the history holds, and those merged into one event.
    from app.demo_texts import COMPLAINTS
    scripted = sum(1 for offset, *_ in COMPLAINTS if offset >= -days)
    assert scripted <= facts["complaints"] <= scripted + 3


def test_managers_patrol_after_the_morning_meeting_but_not_every_day(facts):
    # The days and today at two sites, less one day without a round at each (today's may be ahead)
    rounds = 2 * (facts["days"] + 1)
    assert rounds - 4 <= facts["manager_patrols"] <= rounds - 2
    assert all("08:40" <= start <= "08:50" for start in facts["patrol_starts"]), facts["patrol_starts"]
    assert facts["swept"]["no_patrol"] == 2
    assert facts["swept"]["missed_route"] == 2  # the day route on those days
    assert facts["swept"]["patrol"] == 2  # the rounds that missed the locked rooms
    assert facts["swept"]["open_visit"] >= 2
    assert facts["swept"]["no_stock_check"] == 0  # one check a month, in time


def test_each_gate_registers_20_to_40_visitors_a_day(facts):
    per_day = facts["visits_per_day"]
    assert len(per_day) == 2 * facts["days"]
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


def test_managers_hold_morning_meetings_on_workdays_one_late_one_missed_and_weekly_on_mondays(facts):
    from sync import meeting_rules

    today = facts["now"].astimezone(SHANGHAI).date()
    days = facts["days"]
    workdays = {today - timedelta(days=d) for d in range(1, days + 1) if (today - timedelta(days=d)).weekday() < 5}
    mondays = {d for d in workdays if d.weekday() == 0}
    sites = {site for site, *_ in facts["meetings"]}
    assert len(sites) == 2
    for site in sites:
        mine = [(kind, at, people) for s, kind, at, people in facts["meetings"] if s == site]
        mornings = {meeting_rules.meeting_day(at, "Asia/Shanghai"): meeting_rules.timeliness(
            "morning", at, "Asia/Shanghai", {}) for kind, at, _ in mine if kind == "morning"}
        assert set(mornings) <= workdays and len(workdays - set(mornings)) == 1  # one day missed
        assert sorted(mornings.values()).count("late") == 1
        weekly = [at for kind, at, _ in mine if kind == "weekly"]
        assert {meeting_rules.meeting_day(at, "Asia/Shanghai") for at in weekly} == mondays
        assert all(meeting_rules.timeliness("weekly", at, "Asia/Shanghai", {}) == "kept" for at in weekly)
        assert all(people >= 1 for _, _, people in mine)


def test_managers_file_a_daily_report_most_days_and_a_weekly_summary_each_sunday(facts):
    """Every past day of the history but two at each site (a phone still holding its last
    days' records sends them later), and each Sunday's summary."""
    days = facts["days"]
    today = facts["now"].astimezone(SHANGHAI).date()
    sundays = sum(1 for d in range(1, days + 1) if (today - timedelta(days=d)).weekday() == 6)
    assert 2 * (days - 2) - 4 <= facts["daily_reports"] <= 2 * (days - 2)
    assert 2 * sundays - 2 <= facts["weekly_summaries"] <= 2 * sundays


def test_managers_inspect_on_tuesdays_and_thursdays_one_short_at_one_site(facts):
    days = facts["days"]
    today = facts["now"].astimezone(SHANGHAI).date()
    written = sum(1 for d in range(0, days + 1) if (today - timedelta(days=d)).weekday() in (1, 3))
    assert facts["inspections"] == 2 * written - 1
