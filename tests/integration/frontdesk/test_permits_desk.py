"""Decoration permits at the desk: issued and edited by the front desk, every bad input
refused in words with nothing changed, the list and the permit's page."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.frontdesk import DecorationPermit
from tests.factories import desk_client
from tests.integration.frontdesk.conftest import today
from tests.integration.gate.conftest import SHANGHAI
from tests.integration.gate.conftest import now


def good(world, **override):
    day = today()
    body = {"site_id": world.site1, "unit": "1-1-102", "applicant_name": "业主王", "applicant_phone": "13900002222",
            "contractor": "安居装饰", "workers": "赵师傅\n钱师傅\n孙师傅", "start_date": day.isoformat(),
            "end_date": (day + timedelta(days=30)).isoformat(), "hours_start": "08:30", "hours_end": "17:30",
            "deposit": "3000", "rules_signed": "y", "rules_signed_on": day.isoformat(), "status": "active"}
    body.update(override)
    return {k: v for k, v in body.items() if v is not None}


def rows(app):
    with app.app_context():
        return sorted((p.id, p.version, p.contractor, p.status, str(p.end_date))
                      for p in db.session.scalars(select(DecorationPermit)))


def test_customer_service_issues_a_permit(app, world, desk_for):
    desk = desk_for("cs1")
    response = desk.post("/decoration/permits/new", good(world))
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        permit = db.session.scalar(select(DecorationPermit))
        assert permit.unit_code == "1-1-102" and permit.workers == ["赵师傅", "钱师傅", "孙师傅"]
        assert permit.deposit == 3000 and permit.rules_signed and permit.status == "active"
        assert permit.site_id == world.site1
    page = desk.text(response.headers["Location"])
    assert "安居装饰" in page and "赵师傅" in page and "139****2222" in page and "13900002222" not in page


@pytest.mark.parametrize("field, value, message", [
    ("unit", "9-9-999", "本小区没有房号 9-9-999。"),
    ("unit", "", "此项为必填项。"),
    ("contractor", "", "此项为必填项。"),
    ("start_date", "2026-13-40", "请按 YYYY-MM-DD 填写日期，例如 2026-12-04。"),
    ("end_date", "2020-01-01", "完工日期早于开工日期。"),
    ("hours_end", "07:00", "每日施工结束时间须晚于开始时间。"),
    ("hours_start", "25:00", None),
    ("deposit", "-5", "请输入 0 至 99,999,999.99 之间的金额。"),
    ("deposit", "abc", None),
    ("rules_signed_on", "", "请填写签署装修管理规定的日期。"),
    ("workers", "\n".join(f"工人{i}" for i in range(60)), "最多 50 个姓名。"),
    ("applicant_phone", "12ab", None),
    ("status", "paused", None),
    ("closed_on", "2026-12-01", "有效的许可证没有完工或撤销日期：请选择“已完工”或“已撤销”，或将日期留空。"),
])
def test_bad_input_is_refused_in_words_and_changes_nothing(app, world, desk_for, field, value, message):
    desk = desk_for("cs1")
    before = rows(app)
    response = desk.post("/decoration/permits/new", good(world, **{field: value}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "请修改下面标出的内容。" in page or "本小区没有房号" in page
    if message:
        assert message in page, message
    if field != "workers":
        assert "赵师傅\n钱师傅\n孙师傅" in page and "['" not in page  # the names come back one per line
    assert rows(app) == before


def test_a_bad_edit_changes_nothing_and_a_good_one_revokes_the_permit(app, world, permits, desk_for):
    desk = desk_for("manager1")
    before = rows(app)
    url = f"/decoration/permits/{permits['active']}/edit"
    response = desk.post(url, good(world, unit="1-1-101", end_date="2000-01-01"))
    assert response.status_code == 422 and "完工日期早于开工日期。" in response.get_data(as_text=True)
    assert rows(app) == before
    response = desk.post(url, good(world, unit="1-1-101", status="revoked"))
    assert response.status_code == 302
    with app.app_context():
        permit = db.session.get(DecorationPermit, permits["active"])
        assert permit.status == "revoked" and permit.closed_on == today()


def test_another_sites_permit_is_not_found_and_its_site_cannot_be_chosen(app, world, permits, desk_for):
    desk = desk_for("cs1")
    assert desk.get(f"/decoration/permits/{permits['other_site']}").status_code == 404
    assert desk.post(f"/decoration/permits/{permits['other_site']}/edit", good(world)).status_code == 404
    before = rows(app)
    assert desk.post("/decoration/permits/new", good(world, site_id=world.site2)).status_code == 422
    assert rows(app) == before


@pytest.mark.parametrize("username, status", [
    ("cs1", 200), ("manager1", 200), ("supervisor1", 200), ("admin1", 200),
    ("guard1", 403), ("lead1", 403), ("repair1", 403), ("clean1", 403),
])
def test_who_may_keep_the_front_desk(world, permits, households, desk_for, username, status):
    desk = desk_for(username)
    for url in ("/decoration/permits", f"/decoration/permits/{permits['active']}", "/decoration/permits/new",
                "/tenants", f"/tenants/{households['a']}", "/tenants/new"):
        assert desk.get(url).status_code == status, url


def test_the_list_filters_by_status_and_words(world, permits, desk_for):
    desk = desk_for("cs1")
    page = desk.text(f"/decoration/permits?site={world.site1}&status=today")
    assert "1-1-101" in page and "1-1-102" not in page and "1-2-201" not in page
    page = desk.text(f"/decoration/permits?site={world.site1}&status=revoked")
    assert "1-1-102" in page and "1-1-101" not in page
    page = desk.text(f"/decoration/permits?site={world.site1}&q=1-2-2")
    assert "1-2-201" in page and "1-1-101" not in page
    assert "别家装饰" not in desk.text("/decoration/permits?site=")
    assert "状态无效，此筛选条件未生效。" in desk.text("/decoration/permits?status=nonsense")


def test_the_permits_page_shows_the_visits_that_named_it(app, world, permits, puller, desk_for):
    guard = puller("guard1")
    mutation = guard.mutation("visit.check_in", {"site_id": world.site1, "visitor_name": "赵师傅",
                                                 "purpose": "decoration", "party_size": 2,
                                                 "permit_id": permits["active"]})
    assert guard.push([mutation]).json["results"][0]["status"] == "applied"
    page = desk_for("cs1").text(f"/decoration/permits/{permits['active']}")
    assert "赵师傅" in page and "施工人员进出记录" in page
    shanghai = now().astimezone(SHANGHAI).strftime("%H:%M")
    assert ("非许可施工时段" in page) == (not "08:00" <= shanghai < "18:00")
    visit = desk_client(app, "manager1").get(f"/gate/visits/{mutation['entity_id']}").get_data(as_text=True)
    assert f"/decoration/permits/{permits['active']}" in visit  # the visit's page links to its permit
