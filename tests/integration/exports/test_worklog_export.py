"""The work log as files: a person's day (《个人工作日志》, ``/worklog?format=``) read back cell
by cell — the form's title, person, site and day above the header, one line per entry in
time order with real times on the site's clock, the notes after them (补记 when written
later), formulas kept as text — and the attendance month (``/worklog/attendance?format=``),
a row per person and a column per day; with the pages' access."""
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.integration.exports.conftest import csv_rows
from tests.integration.exports.conftest import sheet
from tests.integration.exports.conftest import values
from tests.integration.sync.conftest import SyncPhone

CST = ZoneInfo("Asia/Shanghai")
DAY_HEADER = ["时间", "类别", "事项", "位置", "详情"]


@pytest.fixture()
def day():
    """A day three days ago on the site's clock; every time below is a fixed hour of it."""
    return datetime.now(CST).date() - timedelta(days=3)


def at(day, hhmm: str) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, h, m, tzinfo=CST)


@pytest.fixture()
def recorded(app, world, day):
    """manager1's day at site 1, pushed as the phone pushes it; and a guard's visit that day."""
    phone = SyncPhone(app.test_client(), "manager1")
    m = phone.mutation
    patrol = m("patrol.start", {"site_id": world.site1, "route_id": world.route1}, at=at(day, "08:40"))
    mutations = [
        m("attendance.sign_in", {"site_id": world.site1, "uniform": True}, at=at(day, "08:27")),
        patrol,
        m("patrol.end", {"notes": "正常"}, entity_id=patrol["entity_id"], at=at(day, "09:10")),
        m("complaint.create", {"site_id": world.site1, "kind": "invalid", "channel": "phone",
                               "description": "楼上漏水", "unit": "1-1-101"}, at=at(day, "10:00")),
        m("visit.check_in", {"site_id": world.site1, "visitor_name": "王五", "purpose": "delivery",
                             "party_size": 1, "unit": "2-1-502", "phone": "13912345678"}, at=at(day, "11:00")),
        m("attendance.sign_out", {"site_id": world.site1}, at=at(day, "17:40")),
        m("worklog.note", {"site_id": world.site1, "day": day.isoformat(), "text": "=1+1 晨会：安排消防检查"},
          at=at(day, "17:35")),
        m("worklog.note", {"site_id": world.site1, "day": day.isoformat(), "text": "补：下午巡查了地下车库"},
          at=at(day + timedelta(days=1), "09:05")),
    ]
    response = phone.push(mutations)
    assert [r["status"] for r in response.json["results"]] == ["applied"] * len(mutations), response.json
    guard = SyncPhone(app.test_client(), "guard1")
    assert guard.push([guard.mutation("visit.check_in", {"site_id": world.site1, "visitor_name": "赵六",
                                                         "purpose": "visit", "party_size": 2},
                                      at=at(day, "11:30"))]).json["results"][0]["status"] == "applied"


def test_a_day_as_xlsx_is_the_form_line_by_line(recorded, desk_for, world, day):
    desk = desk_for("manager1")
    query = f"/worklog?site={world.site1}&day={day.isoformat()}"
    page = desk.text(query)
    assert 'id="worklog-xlsx"' in page and 'id="worklog-csv"' in page and "data-export" in page
    response = desk.get(query + "&format=xlsx")
    assert "%E4%B8%AA%E4%BA%BA%E5%B7%A5%E4%BD%9C%E6%97%A5%E5%BF%97" in response.headers["Content-Disposition"]
    ws = sheet(response)
    got = values(ws)
    assert got[0][0] == "《个人工作日志》"
    assert got[1][:6] == ["人员", "manager1", "小区", "翠湖花园", "日期", day.isoformat()]
    assert got[2][:5] == DAY_HEADER and ws.freeze_panes == "A4"
    lines = [line[:5] for line in got[3:]]  # the preamble's line is wider than the table
    assert [line[1] for line in lines] == ["签到", "巡视", "受理投诉", "访客登记", "签退", "备注", "补记"]
    # real times, on the site's clock, in time order (the notes after the entries, as on the page)
    assert all(isinstance(line[0], datetime) for line in lines)
    assert [line[0] for line in lines[:5]] == [at(day, t).replace(tzinfo=None)
                                               for t in ("08:27", "08:40", "10:00", "11:00", "17:40")]
    assert lines[6][0] == at(day + timedelta(days=1), "09:05").replace(tzinfo=None)
    assert ws.cell(row=4, column=1).number_format == "yyyy-mm-dd hh:mm"
    sign_in, patrol, complaint, visit = lines[:4]
    assert sign_in[2] == "签到 · 迟到" and "应在 08:20 之前" in sign_in[4]
    assert patrol[3] == "翠湖花园路线" and "备注：正常" in patrol[4]
    assert complaint[3] == "1-1-101" and "楼上漏水" in complaint[4]
    assert visit[2] == "登记访客：王五" and visit[3] == "2-1-502"
    assert "139****5678" in visit[4] and "13912345678" not in "".join(str(v) for line in got for v in line)
    # a note that begins with "=" is text, not a formula
    assert lines[5][2] == "=1+1 晨会：安排消防检查" and ws.cell(row=9, column=3).data_type == "s"
    assert lines[6][2] == "补：下午巡查了地下车库"
    assert "赵六" not in {line[2] for line in lines}


def test_a_day_as_csv_is_the_table_with_formulas_made_safe(recorded, desk_for, world, day):
    response = desk_for("supervisor1").get(
        f"/worklog?site={world.site1}&user={world.users['manager1']}&day={day.isoformat()}&format=csv")
    assert response.headers["X-Export-Rows"] == "7"
    rows = csv_rows(response)
    assert rows[0] == DAY_HEADER and len(rows) == 8
    assert [r[0] for r in rows[1:6]] == [f"{day.isoformat()} {t}" for t in ("08:27", "08:40", "10:00", "11:00", "17:40")]
    assert rows[6][1:3] == ["备注", "'=1+1 晨会：安排消防检查"]
    assert rows[7][1] == "补记"


def test_anyone_downloads_their_own_day_but_not_anothers(recorded, desk_for, world, day):
    repair = desk_for("repair1")
    own = repair.get(f"/worklog?site={world.site1}&day={day.isoformat()}&format=csv")
    assert own.status_code == 200 and len(csv_rows(own)) == 1
    assert repair.get(f"/worklog?site={world.site1}&user={world.users['manager1']}&format=csv").status_code == 403


def test_another_sites_manager_gets_no_file_of_site_ones_people(recorded, desk_for, world):
    assert desk_for("manager2").get(f"/worklog?user={world.users['manager1']}&format=xlsx").status_code == 404


def test_the_attendance_month_as_xlsx_and_csv(recorded, desk_for, world, day):
    desk = desk_for("manager1")
    month = day.strftime("%Y-%m")
    query = f"/worklog/attendance?site={world.site1}&month={month}"
    assert 'id="attendance-xlsx"' in desk.text(query)
    ws = sheet(desk.get(query + "&format=xlsx"))
    got = values(ws)
    assert got[0][0] == "《考勤表》" and got[1][:4] == ["小区", "翠湖花园", "月份", month]
    header = got[2]
    assert header[0] == "人员" and header[1] == "1" and header[-3:] == ["出勤天数", "迟到", "早退"]
    assert ws.freeze_panes == "A4"
    (manager,) = [row for row in got[3:] if row[0] == "manager1"]
    assert manager[day.day] == "08:27(迟到) / 17:40"
    assert manager[-3:] == [1, 1, 0]
    rows = csv_rows(desk.get(query + "&format=csv"))
    assert rows[0] == header and int(desk.get(query + "&format=csv").headers["X-Export-Rows"]) == len(rows) - 1
    (line,) = [r for r in rows if r[0] == "manager1"]
    assert line[day.day] == "08:27(迟到) / 17:40" and line[-3:] == ["1", "1", "0"]


@pytest.mark.parametrize("who", ["repair1", "guard1"])
def test_the_attendance_file_is_for_reviewers(recorded, desk_for, world, who):
    assert desk_for(who).get(f"/worklog/attendance?site={world.site1}&format=csv").status_code == 403


def test_another_sites_manager_gets_their_own_month_not_site_ones(recorded, desk_for, world, day):
    response = desk_for("manager2").get(f"/worklog/attendance?site={world.site1}&month={day:%Y-%m}&format=csv")
    assert response.status_code == 200
    assert [r[0] for r in csv_rows(response)[1:]] and "manager1" not in response.get_data(as_text=True)
