"""Phones page: devices made by real syncs, the quiet ones with records waiting flagged, and
an admin signing a lost phone out (its token then gets 401 at /api/v1/sync)."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import DeviceToken
from app.models import SyncDevice
from tests.integration.review.conftest import ago
from tests.integration.sync.helpers import check_in


def make_quiet(app, device_id: str, hours: int = 25):
    """The phone's last contact moved back: it has not synced for ``hours``."""
    with app.app_context():
        device = db.session.get(SyncDevice, device_id)
        device.last_seen_at = device.last_seen_at - timedelta(hours=hours)
        db.session.commit()


@pytest.fixture()
def phones(app, world, phone_for):
    """guard1 (site 1) quiet for 25 h with 3 records waiting; manager1 (site 1) synced and
    empty; guard2 (site 2) quiet with 5 waiting; a desk pseudo-device of manager1."""
    guard1, manager1, guard2 = phone_for("guard1"), phone_for("manager1"), phone_for("guard2")
    guard1.push_ok([check_in(guard1.outbox, world.site1)], pending=3)
    make_quiet(app, guard1.device_id)
    manager1.push_ok([], pending=0)
    guard2.push_ok([check_in(guard2.outbox, world.site2)], pending=5)
    make_quiet(app, guard2.device_id, hours=30)
    with app.app_context():
        db.session.add(SyncDevice(device_id="desktop:" + world.users["manager1"], user_id=world.users["manager1"],
                                  pending=7, last_seen_at=ago(hours=40), gaps=[], last_seq=1))
        db.session.commit()
    return {"guard1": guard1, "manager1": manager1, "guard2": guard2}


def row_of(html: str, device_id: str) -> str:
    match = re.search(r"<tr[^>]*>(?:(?!</tr>).)*" + re.escape(device_id) + r".*?</tr>", html, re.S)
    assert match, f"no row for {device_id}"
    return match.group(0)


def test_a_quiet_phone_with_records_waiting_is_flagged(phones, desk_for):
    html = desk_for("supervisor1").text("/review/devices")
    quiet = row_of(html, phones["guard1"].device_id)
    assert 'class="quiet"' in quiet
    assert "guard1" in quiet and "翠湖花园" in quiet
    assert re.search(r"25 小时前", quiet), quiet
    assert "<strong>3</strong>" in quiet
    assert "当前登录" in quiet  # its sign-in still works
    fine = row_of(html, phones["manager1"].device_id)
    assert 'class="quiet"' not in fine
    assert "desktop:" not in html  # the office's own pseudo-device is no phone


@pytest.mark.parametrize("query, shown, hidden", [
    ("?status=quiet", ["guard1", "guard2"], ["manager1"]),
    ("?status=waiting", ["guard1", "guard2"], ["manager1"]),
    ("?status=all", ["guard1", "guard2", "manager1"], []),
    ("?site={site1}", ["guard1", "manager1"], ["guard2"]),
    ("?site={site2}&status=quiet", ["guard2"], ["guard1", "manager1"]),
    ("?person={guard1}", ["guard1"], ["guard2", "manager1"]),
])
def test_filters(phones, world, desk_for, query, shown, hidden):
    html = desk_for("supervisor1").text("/review/devices" + query.format(
        site1=world.site1, site2=world.site2, guard1=world.users["guard1"]))
    for name in shown:
        assert phones[name].device_id[:8] in html, (query, name)
    for name in hidden:
        assert phones[name].device_id[:8] not in html, (query, name)


def test_quiet_sorts_first_by_default_and_by_choice(phones, desk_for):
    desk = desk_for("supervisor1")
    html = desk.text("/review/devices")
    assert html.index(phones["guard2"].device_id[:8]) < html.index(phones["manager1"].device_id[:8])
    html = desk.text("/review/devices?sort=quiet")  # ascending: quiet ones last
    assert html.index(phones["manager1"].device_id[:8]) < html.index(phones["guard1"].device_id[:8])


def test_only_devices_of_the_viewers_sites(phones, desk_for):
    html = desk_for("manager2").text("/review/devices?status=all")
    assert phones["guard2"].device_id[:8] in html
    assert phones["guard1"].device_id[:8] not in html and phones["manager1"].device_id[:8] not in html


def test_clock_offset_and_missing_numbers(app, world, phone_for, desk_for):
    """A phone 6 min 30 s ahead that skipped seq 2 and 3."""
    phone = phone_for("guard1")
    first = check_in(phone.outbox, world.site1)
    phone.outbox.seq += 2
    fourth = check_in(phone.outbox, world.site1)
    phone.push_ok([first, fourth], client_time=ago(seconds=-390))
    row = row_of(desk_for("manager1").text("/review/devices"), phone.device_id)
    assert re.search(r'class="offset bad"[^>]*>\+6 分 (29|30|31) 秒', row), row
    assert '<span class="status warn">2</span>' in row


def test_an_admin_signs_a_lost_phone_out(app, phones, desk_for):
    guard1 = phones["guard1"]
    admin = desk_for("admin1")
    response = admin.post(f"/review/devices/{guard1.device_id}/revoke")
    assert response.status_code == 302
    html = admin.text("/review/devices")
    assert "手机已注销登录" in html
    assert "已被管理员注销" in row_of(html, guard1.device_id)
    with app.app_context():
        tokens = db.session.scalars(select(DeviceToken).where(DeviceToken.device_id == guard1.device_id)).all()
        assert tokens and all(t.revoked_at is not None for t in tokens)
        other = db.session.scalar(select(DeviceToken).where(DeviceToken.device_id == phones["manager1"].device_id))
        assert other.revoked_at is None
    assert guard1.push([]).status_code == 401
    assert phones["manager1"].push([]).status_code == 200


@pytest.mark.parametrize("who, device, status", [
    ("manager1", "guard1", 403),
    ("supervisor1", "guard1", 403),
    ("admin1", "desktop", 404),
    ("admin1", "unknown", 404),
])
def test_revoke_refusals(app, world, phones, desk_for, who, device, status):
    device_id = {"guard1": phones["guard1"].device_id, "desktop": "desktop:" + world.users["manager1"],
                 "unknown": "no-such-phone"}[device]
    assert desk_for(who).post(f"/review/devices/{device_id}/revoke").status_code == status
    assert phones["guard1"].push([]).status_code == 200


def test_the_revoke_button_is_for_admins_only(phones, desk_for):
    assert "/revoke" not in desk_for("supervisor1").text("/review/devices")
    assert f"/review/devices/{phones['guard1'].device_id}/revoke" in desk_for("admin1").text("/review/devices")


def test_guards_may_not_look(phones, desk_for):
    assert desk_for("guard1").get("/review/devices").status_code == 403


def test_an_admin_of_another_company_finds_no_such_phone(app, world, phones, desk_for):
    from app.models import Company
    from tests import factories
    with app.app_context():
        other = Company(name="别家物业")
        db.session.add(other)
        db.session.flush()
        factories.make_site(other, "别处花园", "S3")
        factories.make_user(other, "outsider", "admin", [])
        db.session.commit()
    outsider = desk_for("outsider")
    assert outsider.post(f"/review/devices/{phones['guard1'].device_id}/revoke").status_code == 404
    assert phones["guard1"].device_id[:8] not in outsider.text("/review/devices?status=all")
    assert phones["guard1"].push([]).status_code == 200
