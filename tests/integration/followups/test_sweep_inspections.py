"""A manager short of two written inspections in a week gets a follow-up of their own when
the site's Sunday ends; inspections of that week synced afterwards close it."""
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import FollowUp
from app.models import Site
from sync import inspection_rules
from tests.integration.followups.conftest import followups
from tests.integration.followups.conftest import local
from tests.integration.followups.conftest import sweep
from tests.integration.followups.conftest import today

CLEAN_OK = {key: True for key, _ in inspection_rules.checklist("cleaning")}


def inspect(phone, world, when):
    return phone.outbox.mutation("inspection.record", {
        "site_id": world.site1, "person_id": world.users["clean1"], "checklist": CLEAN_OK,
        "score": 88, "notes": "楼道干净"}, at=when)


def test_one_inspection_in_a_week_opens_a_follow_up_and_a_late_second_closes_it(app, world, phone_for):
    with app.app_context():
        for site in db.session.scalars(select(Site)):
            site.settings = {"sweep_lookback_days": 1}
        db.session.commit()
    monday = inspection_rules.week_start(today())
    last_monday = monday - timedelta(days=7)
    manager = phone_for("manager1")
    first = inspect(manager, world, local(last_monday + timedelta(days=1), 10))
    assert manager.push([first]).json["results"][0]["status"] == "applied"

    assert sweep(app, local(monday, 0, 30), "--site", "S1").exit_code == 0
    with app.app_context():
        (opened,) = followups(source_type="few_inspections", source_id=world.users["manager1"])
        assert opened.assignee_id == world.users["manager1"] and opened.status == "open"
        assert opened.title.endswith(f"{last_monday.isoformat()} 当周书面考核 1 次，应不少于 2 次")
        assert opened.detail["week"] == last_monday.isoformat() and opened.detail["written"] == 1
        ident = opened.id

    second = inspect(manager, world, local(last_monday + timedelta(days=6), 21))
    assert manager.push([second]).json["results"][0]["status"] == "applied"
    with app.app_context():
        followup = db.session.get(FollowUp, ident)
        assert followup.status == "closed"
        assert followup.detail["settled_by"]["type"] == "inspection"
        assert followup.detail["settled_by"]["id"] == second["entity_id"]


def test_an_inspection_of_this_week_does_not_make_up_the_last(app, world, phone_for):
    with app.app_context():
        for site in db.session.scalars(select(Site)):
            site.settings = {"sweep_lookback_days": 1}
        db.session.commit()
    monday = inspection_rules.week_start(today())
    assert sweep(app, local(monday, 0, 30), "--site", "S1").exit_code == 0
    manager = phone_for("manager1")
    midnight = inspect(manager, world, local(monday, 0, 0))  # the first minute of this week
    assert manager.push([midnight]).json["results"][0]["status"] == "applied"
    with app.app_context():
        (followup,) = followups(source_type="few_inspections", source_id=world.users["manager1"])
        assert followup.status == "open"
