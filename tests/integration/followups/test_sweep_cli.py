"""``flask followups sweep`` over real rows: what it opens, escalates and settles, and that
running it again changes nothing."""
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import ChangeLog
from app.models import FollowUp
from app.models import FollowUpEvent
from app.models import Site
from app.models.sweep import SweepMark
from app.models.sweep import SweepRun
from tests.integration.followups.conftest import add_patrol
from tests.integration.followups.conftest import add_visit
from tests.integration.followups.conftest import followups
from tests.integration.followups.conftest import local
from tests.integration.followups.conftest import sweep
from tests.integration.followups.conftest import today


def one_day(app, world):
    """Both sites look back one day only, so that a run at 00:30 sees yesterday's deadlines,
    and check their stores on a day that is not yesterday, whatever the date today."""
    check_day = 15 if (today() - timedelta(days=1)).day != 15 else 16
    with app.app_context():
        for site in db.session.scalars(select(Site)):
            site.settings = {"sweep_lookback_days": 1, "stock_check_day": check_day}
        db.session.commit()


def test_a_sweep_opens_a_follow_up_for_each_missed_duty(app, world, ctx):
    """Yesterday: no patrol by manager1, the route not walked, a visitor never checked out."""
    one_day(app, world)
    yesterday = today() - timedelta(days=1)
    visit_id = add_visit(world.site1, world.users["guard1"], local(yesterday, 14))
    add_visit(world.site1, world.users["guard1"], local(yesterday, 9), local(yesterday, 10))
    now = local(today(), 0, 30)

    result = sweep(app, now, "--site", "S1")
    assert result.exit_code == 0, result.output
    assert ("S1 翠湖花园: settled 0, opened 3 (no_patrol 1, missed_route 1, open_visit 1), "
            "escalated 0") in result.output

    rows = {f.source_type: f for f in followups(site_id=world.site1)}
    assert set(rows) == {"no_patrol", "missed_route", "open_visit"}
    assert not followups(site_id=world.site2)
    no_patrol = rows["no_patrol"]
    assert no_patrol.assignee_id == world.users["manager1"] and no_patrol.escalation_level == 1
    assert no_patrol.opened_at == local(yesterday, 23, 59)
    assert no_patrol.due_at == local(yesterday, 23, 59) + timedelta(hours=24)
    assert no_patrol.received_at == now  # the follow-up shows when the server noticed
    assert no_patrol.title == f"manager1 {yesterday.isoformat()} 无巡视记录"
    visit = rows["open_visit"]
    assert (visit.source_id, visit.assignee_id, visit.source_user_id) == (
        visit_id, world.users["lead1"], world.users["guard1"])
    assert visit.title.startswith("访客 王五")
    assert "13812345678" not in str(visit.detail) and "110101199003070011" not in str(visit.detail)
    assert rows["missed_route"].source_id == world.route1
    assert rows["missed_route"].opened_at == local(yesterday, 12, 30)  # 11:30 plus the grace hour

    # each has its history and its mark, and reached the change log that phones pull from
    for followup in rows.values():
        (event,) = db.session.scalars(select(FollowUpEvent).where(FollowUpEvent.followup_id == followup.id))
        assert event.kind == "created" and event.value["assignee_id"] == followup.assignee_id
        assert db.session.scalar(select(SweepMark.followup_id).where(
            SweepMark.key == followup.detail["sweep_key"])) == followup.id
        assert db.session.scalar(select(func.count()).select_from(ChangeLog).where(
            ChangeLog.entity_id == followup.id)) == 1
    assert db.session.get(SweepRun, world.site1).as_of == now


def test_running_it_again_changes_nothing(app, world, ctx):
    one_day(app, world)
    now = local(today(), 0, 30)
    first = sweep(app, now)
    assert first.exit_code == 0, first.output
    before = {f.id: f.version for f in followups()}
    log = db.session.scalar(select(func.count()).select_from(ChangeLog))
    db.session.remove()

    again = sweep(app, now)
    assert again.exit_code == 0, again.output
    assert "settled 0, opened 0, escalated 0" in again.output
    assert {f.id: f.version for f in followups()} == before
    assert db.session.scalar(select(func.count()).select_from(ChangeLog)) == log
    assert len(before) == 4  # each site: no patrol by its manager, its route not walked
    assert db.session.scalar(select(func.count()).select_from(SweepMark)) == len(before)


def test_the_sweeps_follow_up_ids_cannot_be_worked_out_from_the_key(app, world, ctx):
    """A phone must not be able to name a follow-up before the sweep opens it."""
    from app.followups.facts import sweep_id_secret
    from sync.context import derived_id

    one_day(app, world)
    assert sweep(app, local(today(), 0, 30)).exit_code == 0
    marks = list(db.session.scalars(select(SweepMark)))
    assert marks
    for mark in marks:
        assert mark.followup_id != derived_id("followup", "sweep", mark.key)
        assert mark.followup_id == derived_id("followup", "sweep", sweep_id_secret(), mark.key)
    assert sweep_id_secret() != "" and app.config["SECRET_KEY"] not in sweep_id_secret()


def test_a_patrol_yesterday_means_no_follow_up(app, world, ctx):
    one_day(app, world)
    yesterday = today() - timedelta(days=1)
    add_patrol(world.site1, world.users["manager1"], local(yesterday, 8, 40), route_id=world.route1)
    result = sweep(app, local(today(), 0, 30), "--site", "S1")
    assert result.exit_code == 0, result.output
    assert "opened 0" in result.output
    assert followups() == []


def test_overdue_follow_ups_climb_one_step_per_run_up_to_the_quality_department(app, world, ctx):
    one_day(app, world)
    yesterday = today() - timedelta(days=1)
    add_visit(world.site1, world.users["guard1"], local(yesterday, 14))
    assert sweep(app, local(today(), 0, 30), "--site", "S1").exit_code == 0
    (visit,) = followups(source_type="open_visit")
    due, ident = visit.due_at, visit.id
    db.session.remove()

    later = due + timedelta(minutes=5)
    result = sweep(app, later, "--site", "S1")
    assert "escalated 1" in result.output, result.output  # the visit's; the others are not due yet
    visit = db.session.get(FollowUp, ident)
    assert (visit.escalation_level, visit.assignee_id) == (1, world.users["manager1"])
    assert visit.due_at == later + timedelta(minutes=720)
    step = db.session.scalar(select(FollowUpEvent).where(FollowUpEvent.followup_id == ident,
                                                         FollowUpEvent.kind == "escalate"))
    assert step.value["from_user_id"] == world.users["lead1"]
    assert step.value["to_user_id"] == world.users["manager1"]
    assert step.note.startswith("已于") and "升级至服务中心经理" in step.note
    assign = db.session.scalar(select(FollowUpEvent).where(FollowUpEvent.followup_id == ident,
                                                           FollowUpEvent.kind == "assign"))
    assert assign.value == world.users["manager1"] and assign.user_id is None
    db.session.remove()

    assert "escalated 0" in sweep(app, later, "--site", "S1").output  # the same moment again
    db.session.remove()
    sweep(app, later + timedelta(days=1), "--site", "S1")
    visit = db.session.get(FollowUp, ident)
    assert (visit.escalation_level, visit.assignee_id) == (2, world.users["supervisor1"])
    top_due = visit.due_at
    db.session.remove()
    sweep(app, later + timedelta(days=5), "--site", "S1")
    visit = db.session.get(FollowUp, ident)
    assert (visit.escalation_level, visit.assignee_id) == (2, world.users["supervisor1"])
    assert visit.due_at == top_due


def test_a_sweep_settles_what_a_late_record_proves(app, world, ctx):
    """A patrol that reached the server after the sweep opened its follow-up closes it."""
    one_day(app, world)
    yesterday = today() - timedelta(days=1)
    assert sweep(app, local(today(), 0, 30), "--site", "S1").exit_code == 0
    (followup,) = followups(source_type="no_patrol")
    ident = followup.id
    add_patrol(world.site1, world.users["manager1"], local(yesterday, 8, 45),
               received_at=local(today(), 0, 40))
    db.session.remove()

    result = sweep(app, local(today(), 1, 0), "--site", "S1")
    assert "settled 1" in result.output, result.output
    followup = db.session.get(FollowUp, ident)
    assert followup.status == "closed" and followup.closed_at is not None
    assert followup.detail["settled_by"]["late_minutes"] == (15 * 60 + 55)
    (note,) = db.session.scalars(select(FollowUpEvent.note).where(FollowUpEvent.followup_id == ident,
                                                                  FollowUpEvent.kind == "note"))
    assert note == (f"巡视记录已于 {today().isoformat()} 00:40 同步，"
                    f"巡视开始于 {yesterday.isoformat()} 08:45，按时完成。")


def test_a_stock_check_by_the_25th(app, world, ctx):
    """Run on the 26th at 00:30: a store with no check this month gets a follow-up."""
    from app.models import StockCheck
    from app.models import new_id

    now = local(today().replace(day=26), 0, 30)
    this_month = local(today().replace(day=3), 10)
    db.session.add(StockCheck(id=new_id(), site_id=world.site2, user_id=world.users["store2"],
                              store_id=world.store2, started_at=this_month, started_at_phone=this_month,
                              received_at=this_month))
    db.session.commit()
    result = sweep(app, now)
    assert result.exit_code == 0, result.output
    (store,) = followups(source_type="no_stock_check")
    assert store.site_id == world.site1 and store.assignee_id == world.users["store1"]
    assert store.opened_at == local(today().replace(day=26))


def test_bad_options_say_what_is_wrong_and_change_nothing(app, world, ctx):
    result = app.test_cli_runner().invoke(args=["followups", "sweep", "--site", "NOPE"])
    assert result.exit_code == 2 and "no such site: NOPE" in result.output
    result = app.test_cli_runner().invoke(args=["followups", "sweep", "--now", "2026-11-27T00:30:00"])
    assert result.exit_code == 2 and "offset" in result.output
    result = app.test_cli_runner().invoke(args=["followups", "sweep", "--now", "yesterday"])
    assert result.exit_code == 2 and "ISO 8601" in result.output
    assert followups() == []
    assert db.session.scalar(select(func.count()).select_from(SweepRun)) == 0
