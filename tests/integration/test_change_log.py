"""Every write to a row that phones hold lands in the change log they pull from."""


def test_site_and_route_collection_changes_reach_the_change_log(app, world):
    """A user moved to another site, or a route re-ordered, must reach the phones."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import ChangeLog
    from app.models import Route
    from app.models import Site
    from app.models import User

    with app.app_context():
        user = db.session.get(User, world.users["guard1"])
        before = user.version
        user.sites = [db.session.get(Site, world.site2)]
        route = db.session.get(Route, world.route1)
        route_before = route.version
        route.set_checkpoints(list(reversed(route.checkpoint_ids)))
        db.session.commit()
        assert user.version == before + 1
        assert route.version == route_before + 1
        logged = set(db.session.execute(select(ChangeLog.entity_type, ChangeLog.version).where(
            ChangeLog.entity_id.in_([user.id, route.id]))))
        assert ("user", before + 1) in logged and ("route", route_before + 1) in logged
