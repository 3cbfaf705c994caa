"""Revealing one visitor's full number at the desk: a supervisor or an admin, one number, a
reason of 4 to 200 characters, CSRF, an audit entry before the number is shown; and the
admin's audit log that lists them."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry
from app.models import Company
from app.models import Site
from app.models import utcnow
from tests import factories
from tests.integration.sync.helpers import check_in

PHONE, ID_NUMBER = "13812345678", "11010119900107123X"
REASON = "派出所民警来电核实访客身份"


@pytest.fixture()
def visits(app, world, phone_for):
    guard1, guard2 = phone_for("guard1"), phone_for("guard2")
    mine = check_in(guard1.outbox, world.site1, visitor_name="赵六", phone=PHONE, id_number=ID_NUMBER)
    bare = check_in(guard1.outbox, world.site1, visitor_name="孙八", phone=PHONE)
    theirs = check_in(guard2.outbox, world.site2, visitor_name="周九", phone="13900001111")
    assert guard1.push([mine, bare]).status_code == 200 and guard2.push([theirs]).status_code == 200
    return {"mine": mine["entity_id"], "bare": bare["entity_id"], "theirs": theirs["entity_id"]}


def audit_rows(app):
    with app.app_context():
        return [(e.user_id, e.action, e.target_type, e.target_id, e.field, e.reason, e.site_id, e.address)
                for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.at))]


def reveal(desk, visit_id, field="phone", reason=REASON, **extra):
    return desk.post(f"/gate/visits/{visit_id}/reveal", data={"field": field, "reason": reason, **extra})


@pytest.mark.parametrize("username", ["supervisor1", "admin1"])
def test_a_supervisor_or_admin_sees_one_number_once_and_it_is_on_record(app, world, visits, desk_for, username):
    desk = desk_for(username)
    page = desk.text(f"/gate/visits/{visits['mine']}")
    assert f'action="/gate/visits/{visits["mine"]}/reveal"' in page and PHONE not in page

    response = reveal(desk, visits["mine"], field="id_number")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert ID_NUMBER in body and PHONE not in body and "138****5678" in body
    assert "完整身份证号" in body and "审计日志" in body
    assert response.headers["Cache-Control"] == "no-store"
    assert audit_rows(app) == [(world.users[username], "reveal", "visit", visits["mine"], "id_number", REASON,
                                world.site1, "127.0.0.1")]
    # The page read again is masked: the reveal was for that one answer.
    assert ID_NUMBER not in desk.text(f"/gate/visits/{visits['mine']}")


@pytest.mark.parametrize("reason, message", [
    ("", "此项为必填项"),
    ("   ", "此项为必填项"),
    ("查看", "请填写 4 至 200 个字的原因"),
    ("查" * 201, "请填写 4 至 200 个字的原因"),
])
def test_a_reason_of_4_to_200_characters_is_required(app, visits, desk_for, reason, message):
    response = reveal(desk_for("supervisor1"), visits["mine"], reason=reason)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and message in body
    assert PHONE not in body and audit_rows(app) == []


def test_a_number_the_visit_does_not_have_is_said_so(app, visits, desk_for):
    response = reveal(desk_for("supervisor1"), visits["bare"], field="id_number")
    assert response.status_code == 422 and "此访客没有登记这个号码" in response.get_data(as_text=True)
    response = reveal(desk_for("supervisor1"), visits["bare"], field="plate")
    assert response.status_code == 422 and PHONE not in response.get_data(as_text=True)
    assert audit_rows(app) == []


def test_without_the_csrf_token_nothing_is_shown(app, visits, desk_for):
    desk = desk_for("supervisor1")
    response = desk.client.post(f"/gate/visits/{visits['mine']}/reveal", data={"field": "phone", "reason": REASON})
    assert response.status_code == 400 and PHONE not in response.get_data(as_text=True)
    assert desk.get(f"/gate/visits/{visits['mine']}/reveal").status_code == 405
    assert audit_rows(app) == []


@pytest.mark.parametrize("username", ["manager1", "guard1", "lead1", "cs1"])
def test_managers_and_guards_may_not_reveal(app, visits, desk_for, username):
    desk = desk_for(username)
    assert reveal(desk, visits["mine"]).status_code == 403
    if username == "manager1":
        page = desk.text(f"/gate/visits/{visits['mine']}")
        assert "/reveal" not in page and "138****5678" in page
    assert audit_rows(app) == []


def test_another_sites_visit_is_not_found(app, world, visits, desk_for):
    with app.app_context():
        company = db.session.get(Company, world.company_id)
        factories.make_user(company, "supervisor2", "supervisor", [db.session.get(Site, world.site2)])
        other = Company(name="别家物业")
        db.session.add(other)
        db.session.flush()
        factories.make_user(other, "outsider", "admin", [])
        db.session.commit()
    for username in ("supervisor2", "outsider"):
        assert reveal(desk_for(username), visits["mine"]).status_code == 404, username
    # A manager may reveal nothing anywhere: refused before the visit is looked up.
    assert reveal(desk_for("manager2"), visits["mine"]).status_code == 403
    assert reveal(desk_for("supervisor2"), visits["theirs"]).status_code == 200
    assert [row[3] for row in audit_rows(app)] == [visits["theirs"]]


def test_the_admin_reads_the_audit_log_newest_first_and_filters_it(app, world, visits, desk_for):
    reveal(desk_for("supervisor1"), visits["mine"], reason="业主投诉访客，需联系本人")
    reveal(desk_for("admin1"), visits["mine"], field="id_number", reason="配合公安机关调查")
    admin = desk_for("admin1")
    body = admin.text("/admin/audit")
    assert body.index("配合公安机关调查") < body.index("业主投诉访客，需联系本人")
    assert "访客 赵六" in body and "查看完整号码" in body and "翠湖花园" in body and "127.0.0.1" in body
    assert PHONE not in body and ID_NUMBER not in body
    only = admin.text(f"/admin/audit?user={world.users['supervisor1']}")
    assert "业主投诉访客" in only and "配合公安机关调查" not in only
    tomorrow = (utcnow() + timedelta(days=2)).date().isoformat()
    assert "业主投诉访客" not in admin.text(f"/admin/audit?from={tomorrow}")
    assert "业主投诉访客" in admin.text(f"/admin/audit?to={tomorrow}")
    assert "不是有效日期" in admin.text("/admin/audit?from=2026-13-01")
    assert "业主投诉访客" not in admin.text("/admin/audit?action=export")
    for username in ("supervisor1", "manager1"):
        assert desk_for(username).get("/admin/audit").status_code == 403


def test_another_companys_admin_sees_none_of_it(app, world, visits, desk_for):
    reveal(desk_for("supervisor1"), visits["mine"])
    with app.app_context():
        other = Company(name="别家物业")
        db.session.add(other)
        db.session.flush()
        factories.make_user(other, "outsider", "admin", [])
        db.session.commit()
    body = desk_for("outsider").text("/admin/audit")
    assert REASON not in body and "赵六" not in body and "supervisor1" not in body


def test_the_audit_log_as_a_file_names_the_number_shown_never_the_number(app, world, visits, desk_for):
    import csv
    import io
    from datetime import datetime

    import openpyxl
    reveal(desk_for("supervisor1"), visits["mine"], reason="=业主投诉访客，需联系本人")
    admin = desk_for("admin1")
    assert "导出 Excel" in admin.text("/admin/audit")
    response = admin.get(f"/admin/audit?user={world.users['supervisor1']}&format=xlsx")
    assert response.status_code == 200 and PHONE.encode() not in response.data
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows()]
    assert rows[0] == ["时间", "人员", "操作", "小区", "记录", "号码", "原因", "IP 地址"]
    (line,) = rows[1:]
    assert isinstance(line[0], datetime)
    assert line[1:] == ["supervisor1 (supervisor1)", "查看完整号码", "翠湖花园", "访客 赵六", "手机", "=业主投诉访客，需联系本人",
                        "127.0.0.1"]
    text = admin.get("/admin/audit?format=csv").get_data().decode("utf-8")
    assert text.startswith("\ufeff") and PHONE not in text and ID_NUMBER not in text
    (csv_line,) = list(csv.reader(io.StringIO(text[1:])))[1:]
    assert csv_line[6] == "'=业主投诉访客，需联系本人"  # a formula start is escaped
    assert desk_for("supervisor1").get("/admin/audit?format=csv").status_code == 403
