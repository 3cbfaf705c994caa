"""A plan saved on the plan form is what the sweep reads: night rounds every two hours, a
follow-up per missed slot for the named walker, and a late round closing its own slot."""
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import FollowUp
from app.models.sweep import SweepMark
from tests.integration.followups.conftest import local
from tests.integration.followups.conftest import sweep
from tests.integration.followups.conftest import today


def slot_followups(route_id, night) -> dict[str, FollowUp]:
    """The sweep's follow-ups for the route's slots of that night, by slot (``"2300"``)."""
    prefix = f"missed_route:{route_id}:{night.isoformat()}:"
    rows = db.session.execute(select(SweepMark.key, FollowUp).join(FollowUp, FollowUp.id == SweepMark.followup_id)
                              .where(SweepMark.key.startswith(prefix))).all()
    return {key[len(prefix):]: followup for key, followup in rows}


def test_night_rounds_every_two_hours_open_a_follow_up_per_missed_slot(app, world, desk_for, phone):
    night = today() - timedelta(days=2)
    desk = desk_for("manager1")
    assert desk.post(f"/patrols/plans/{world.route1}", {
        "window_start": "21:00", "window_end": "05:00", "repeat_minutes": "120", "walker_role": "guard",
        "walker_ids": [world.users["guard1"]]}).status_code == 302
    guard = phone("guard1")
    guard.walk(world.site1, local(night, 21, 10), world.route1, end_minutes=20)
    guard.walk(world.site1, local(night + timedelta(days=1), 1, 5), world.route1, end_minutes=20)

    result = sweep(app, local(night + timedelta(days=1), 7))
    assert result.exit_code == 0, result.output
    with app.app_context():
        found = slot_followups(world.route1, night)
        assert sorted(found) == ["0300", "2300"]                   # 21:00 and 01:00 were walked
        late = found["2300"]
        assert late.assignee_id == world.users["guard1"]           # the plan's one named walker, not lead1
        assert "23:00" in late.title and "未按时巡更" in late.title
        assert late.opened_at == local(night + timedelta(days=1), 1)  # the slot's end
        late_id, other_id = late.id, found["0300"].id

    # The 23:00 round had been walked after all; the phone synced it late.
    guard.walk(world.site1, local(night, 23, 40), world.route1, end_minutes=20)
    with app.app_context():
        assert db.session.get(FollowUp, late_id).status == "closed"
        assert db.session.get(FollowUp, other_id).status == "open"
    assert sweep(app, local(night + timedelta(days=1), 8)).exit_code == 0
    with app.app_context():
        assert sorted(slot_followups(world.route1, night)) == ["0300", "2300"]        # nothing opened twice
