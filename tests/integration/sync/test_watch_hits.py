"""The server's own watch-list match: a visit that arrives is compared with its site's list
by keyed MACs, and each match is kept for the desk (SQLite and PostgreSQL)."""
import re

from sqlalchemy import select

from app.extensions import db
from app.models import Visit
from app.models.gate import WatchEntry
from app.models.gate import WatchHit
from tests.factories import desk_client
from tests.integration.sync.helpers import check_in


def add_entry(app, site_id, **fields):
    with app.app_context():
        entry = WatchEntry(site_id=site_id, reason="多次尾随", **fields)
        db.session.add(entry)
        db.session.commit()
        return entry.id


def hits(app, visit_id=None):
    with app.app_context():
        stmt = select(WatchHit.visit_id, WatchHit.watch_entry_id, WatchHit.field, WatchHit.site_id)
        if visit_id:
            stmt = stmt.where(WatchHit.visit_id == visit_id)
        return sorted(db.session.execute(stmt).all(), key=lambda r: r.field)


def test_a_visit_with_a_listed_phone_number_is_recorded_as_a_hit(app, guard, world):
    """Does the server record the match of a check-in whose phone is a watch entry's, however
    either was typed?"""
    entry = add_entry(app, world.site1, name="赵六", phone="+86 139 0000 1111")
    mutation = check_in(guard.outbox, world.site1, visitor_name="王五", phone="13900001111")
    assert guard.push([mutation]).json["results"][0]["status"] == "applied"
    assert hits(app) == [(mutation["entity_id"], entry, "phone", world.site1)]


def test_id_number_and_plate_match_too_and_each_field_is_recorded(app, guard, world):
    entry = add_entry(app, world.site1, id_number="11010119900107123X", plate="粤B66666")
    mutation = check_in(guard.outbox, world.site1, id_number="11010119900107123x", plate="粤B·66666")
    guard.push([mutation])
    assert [(h.watch_entry_id, h.field) for h in hits(app)] == [(entry, "id_number"), (entry, "plate")]


def test_no_hit_for_another_site_an_inactive_entry_a_name_or_a_short_number(app, guard, world):
    add_entry(app, world.site2, phone="13900001111")
    add_entry(app, world.site1, phone="13700001111", active=False)
    add_entry(app, world.site1, name="王五", phone="123")
    guard.push([check_in(guard.outbox, world.site1, visitor_name="王五", phone="13900001111"),
                check_in(guard.outbox, world.site1, phone="13700001111"),
                check_in(guard.outbox, world.site1, phone="123")])
    assert hits(app) == []


def test_a_repeated_push_records_the_hit_once(app, guard, world):
    add_entry(app, world.site1, phone="13900001111")
    mutation = check_in(guard.outbox, world.site1, phone="13900001111")
    guard.push([mutation])
    assert guard.push([mutation]).json["results"][0]["status"] == "duplicate"
    assert len(hits(app)) == 1


def test_one_push_of_many_visits_records_each_hit(app, guard, world):
    entry = add_entry(app, world.site1, phone="13900001111", plate="粤B66666")
    first = check_in(guard.outbox, world.site1, phone="13900001111", plate="粤B66666")
    second = check_in(guard.outbox, world.site1, phone="139 0000 1111")
    others = [check_in(guard.outbox, world.site1, phone=f"1370000{n:04d}") for n in range(20)]
    guard.push([first, *others, second])
    assert sorted((h.visit_id, h.watch_entry_id, h.field) for h in hits(app)) == sorted([
        (first["entity_id"], entry, "phone"), (first["entity_id"], entry, "plate"), (second["entity_id"], entry, "phone")])


def test_a_rejected_check_in_records_nothing(app, guard, world):
    add_entry(app, world.site1, phone="13900001111")
    mutation = check_in(guard.outbox, world.site1, phone="13900001111", party_size=0)
    assert guard.push([mutation]).json["results"][0]["status"] == "rejected"
    assert hits(app) == []


def test_the_desk_shows_the_hit_even_after_the_entry_changed(app, guard, world):
    """The visit's page and the dashboard show what the server found on arrival; changing
    the entry's number afterwards does not undo it."""
    entry = add_entry(app, world.site1, name="赵六", phone="13900001111")
    mutation = check_in(guard.outbox, world.site1, visitor_name="王五", phone="13900001111")
    guard.push([mutation])
    with app.app_context():
        db.session.get(WatchEntry, entry).phone = "13500000000"
        db.session.commit()
        assert db.session.get(Visit, mutation["entity_id"]) is not None
    desk = desk_client(app, "manager1")
    page = desk.get(f"/gate/visits/{mutation['entity_id']}").get_data(as_text=True)
    assert "赵六" in page and "登记同步时由服务器比对发现" in page
    listed = desk.get("/gate/visits?status=watch").get_data(as_text=True)
    assert "王五" in listed
    dashboard = desk.get("/review").get_data(as_text=True)
    assert re.search(r'<div class="value">1</div><div class="label">今日关注名单访客</div>', dashboard)
