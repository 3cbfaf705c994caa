"""The inspections as files: a site's week (``/inspections?format=``), one inspection a line,
and one inspection as the XLSX 《服务过程检验单》 (``/inspections/<id>?format=xlsx``) — read
back cell by cell; reviewers of the site only."""
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from sync import inspection_rules as rules
from tests.integration.exports.conftest import csv_rows
from tests.integration.exports.conftest import sheet
from tests.integration.exports.conftest import values
from tests.integration.sync.conftest import SyncPhone

CST = ZoneInfo("Asia/Shanghai")
WEEK_HEADER = ["时间", "考核人", "被考核人", "岗位", "得分", "合格项数", "检验项数", "备注"]
CLEANING = rules.checklist("cleaning")


@pytest.fixture()
def monday():
    """Last week's Monday on the site's clock: every inspection below is at a fixed hour of it."""
    return rules.week_start(datetime.now(CST).date()) - timedelta(days=7)


@pytest.fixture()
def written(app, world, monday):
    phone = SyncPhone(app.test_client(), "manager1")

    def record(person, post_items, when, score, notes, failed=()):
        checklist = {key: key not in failed for key, _ in post_items}
        return phone.mutation("inspection.record", {"site_id": world.site1, "person_id": world.users[person],
                                                    "checklist": checklist, "score": score, "notes": notes}, at=when)
    first = record("clean1", CLEANING, datetime(monday.year, monday.month, monday.day, 9, 5, tzinfo=CST), 70,
                   "=垃圾桶未及时清运", failed=("bins",))
    second = record("guard1", rules.checklist("security"),
                    datetime(monday.year, monday.month, monday.day, 23, 50, tzinfo=CST) + timedelta(days=6), 95,
                    "岗位规范")
    response = phone.push([first, second])
    assert [r["status"] for r in response.json["results"]] == ["applied", "applied"], response.json
    return first["entity_id"], second["entity_id"]


def test_the_week_as_xlsx_and_csv(written, desk_for, world, monday):
    desk = desk_for("supervisor1")
    query = f"/inspections?site={world.site1}&week={(monday + timedelta(days=2)).isoformat()}"
    assert 'id="inspections-xlsx"' in desk.text(query)
    ws = sheet(desk.get(query + "&format=xlsx"))
    got = values(ws)
    assert got[0][0] == "《书面考核》" and got[1][:4] == ["小区", "翠湖花园", "所在周", monday.isoformat()]
    assert got[2] == WEEK_HEADER and ws.freeze_panes == "A4"
    first, second = got[3:]
    assert first[0] == datetime(monday.year, monday.month, monday.day, 9, 5)
    assert second[0] == datetime(monday.year, monday.month, monday.day, 23, 50) + timedelta(days=6)
    assert first[1:] == ["manager1", "clean1", "保洁", 70, 4, 5, "=垃圾桶未及时清运"]
    assert ws.cell(row=4, column=8).data_type == "s"
    assert second[1:7] == ["manager1", "guard1", "安全", 95, len(rules.checklist("security")),
                           len(rules.checklist("security"))]
    response = desk.get(query + "&format=csv")
    assert response.headers["X-Export-Rows"] == "2"
    rows = csv_rows(response)
    assert rows[0] == WEEK_HEADER and len(rows) == 3
    assert rows[1][0] == f"{monday.isoformat()} 09:05" and rows[1][7] == "'=垃圾桶未及时清运"


def test_one_inspection_as_the_xlsx_form(written, desk_for, world, monday):
    desk = desk_for("manager1")
    first, _ = written
    assert 'id="inspection-xlsx"' in desk.text(f"/inspections/{first}")
    ws = sheet(desk.get(f"/inspections/{first}?format=xlsx"))
    got = values(ws)
    assert got[0][0] == "《服务过程检验单》"
    assert got[1][:4] == ["小区", "翠湖花园", "日期", datetime(monday.year, monday.month, monday.day, 9, 5)]
    assert got[2][:6] == ["被考核人", "clean1", "岗位", "保洁", "考核人", "manager1"]
    assert got[3][:3] == ["#", "检验项目", "结果"] and ws.freeze_panes == "A5"
    items = [row[:3] for row in got[4:4 + len(CLEANING)]]
    assert items == [[n, label, "不合格" if key == "bins" else "合格"]
                     for n, (key, label) in enumerate(CLEANING, start=1)]
    assert [row[1:3] for row in got[4 + len(CLEANING):]] == [["得分", 70], ["备注", "=垃圾桶未及时清运"]]
    assert ws.cell(row=len(got), column=3).data_type == "s"


@pytest.mark.parametrize("who, status", [("manager2", 404), ("repair1", 403), ("guard1", 403)])
def test_an_inspection_file_has_the_pages_access(written, desk_for, who, status):
    first, _ = written
    assert desk_for(who).get(f"/inspections/{first}?format=xlsx").status_code == status


def test_another_sites_manager_gets_their_own_week_without_site_ones(written, desk_for, world, monday):
    response = desk_for("manager2").get(f"/inspections?site={world.site1}&week={monday.isoformat()}&format=csv")
    assert response.status_code == 200 and response.headers["X-Export-Rows"] == "0"
    assert len(csv_rows(response)) == 1
