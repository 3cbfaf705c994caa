"""Rental households at the desk: the awareness rate with a known answer, the households
still to call on, and every bad input refused in words with nothing changed."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.frontdesk import RentalHousehold
from tests.integration.frontdesk.conftest import today


def rows(app):
    with app.app_context():
        return sorted((h.id, h.tenant_count, h.informed, h.registered, str(h.moved_out_on))
                      for h in db.session.scalars(select(RentalHousehold)))


def test_the_sites_awareness_rate_has_the_known_answer(world, households, desk_for):
    """Four households live at site 1, three informed: 75 %, short of the 100 % target;
    the one that moved out uninformed does not count, and site 2's do not either."""
    page = desk_for("cs1").text(f"/tenants?site={world.site1}")
    assert "75.0 %" in page and "4 户中已告知 3 户" in page and "2 / 4" in page
    # By default, those still to call on: not informed or not registered (c and d), not the gone one.
    assert "孙未登" in page and "周未知" in page
    assert "王租户" not in page and "吴已走" not in page and "别处租户" not in page


def test_all_shows_those_moved_out(world, households, desk_for):
    page = desk_for("cs1").text(f"/tenants?site={world.site1}&show=all")
    assert "吴已走" in page and "王租户" in page


def test_the_dashboard_shows_the_rate_against_the_target(world, households, desk_for):
    page = desk_for("manager1").text(f"/review?site={world.site1}")
    assert "租赁户暂住登记知晓率" in page and "75.0 %" in page


def good(world, **override):
    day = today()
    body = {"site_id": world.site1, "unit": "1-1-102", "tenant_names": "郑甲\n郑乙", "tenant_count": "2",
            "move_in_on": (day - timedelta(days=3)).isoformat(), "informed": "y", "informed_on": day.isoformat()}
    body.update(override)
    return {k: v for k, v in body.items() if v is not None}


def test_a_household_is_added_and_the_rate_moves(app, world, households, desk_for):
    desk = desk_for("cs1")
    response = desk.post("/tenants/new", good(world))
    assert response.status_code == 302
    page = desk.text(f"/tenants?site={world.site1}")
    assert "80.0 %" in page  # 4 informed of 5


@pytest.mark.parametrize("field, value, message", [
    ("unit", "8-8-808", "本小区没有房号 8-8-808。"),
    ("tenant_count", "0", "请输入 1 至 30 之间的数字。"),
    ("tenant_count", "1", "租住人数少于所列姓名数：请把列出的人都算上。"),
    ("move_in_on", "yesterday", "请按 YYYY-MM-DD 填写日期，例如 2026-12-04。"),
    ("informed_on", "", "请填写告知日期。"),
    ("registered", "y", "请填写暂住登记的日期。"),
    ("moved_out_on", "2001-01-01", "迁出日期不能早于入住日期。"),
])
def test_bad_input_is_refused_in_words_and_changes_nothing(app, world, households, desk_for, field, value, message):
    desk = desk_for("cs1")
    before = rows(app)
    response = desk.post("/tenants/new", good(world, **{field: value}))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert rows(app) == before
    response = desk.post(f"/tenants/{households['d']}", good(world, **{field: value}))
    assert response.status_code == 422
    assert rows(app) == before


def test_another_sites_household_is_not_found(app, world, households, desk_for):
    desk = desk_for("cs1")
    before = rows(app)
    assert desk.get(f"/tenants/{households['other']}").status_code == 404
    assert desk.post(f"/tenants/{households['other']}", good(world, unit="1-1-101")).status_code == 404
    assert rows(app) == before


def test_an_edit_informs_a_household(app, world, households, desk_for):
    desk = desk_for("cs1")
    response = desk.post(f"/tenants/{households['d']}", good(world, unit="1-2-201", tenant_names="周未知",
                                                              tenant_count="1"))
    assert response.status_code == 302
    assert "100.0 %" in desk.text(f"/tenants?site={world.site1}")
