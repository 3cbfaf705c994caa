"""The monthly service report to owners (《月度物业服务报告》) over HTTP: a March of known
records pushed through /api/v1/sync as the phones push them, and every figure of the page
and of its XLSX read back; no owner's or visitor's name, number or unit anywhere; a month
with nothing, bad months, and who may read which site's report."""
import io
import re
from datetime import date
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import DecorationPermit
from app.models import Finding
from app.models import FollowUp
from app.models import Unit
from sync import id_numbers
from tests.integration.admin.conftest import Desk
from tests.integration.sync.conftest import SyncPhone
from tests.integration.sync.helpers import stamp

CST = ZoneInfo("Asia/Shanghai")
VISITOR, HOST = "王秘客", "张业主"
VISITOR_PHONE = "13800138000"
VISITOR_ID = id_numbers.resident_id("11010119900307123")
OWNER, OWNER_PHONE, OWNER_UNIT = "李秘主", "13912345678", "1-2-201"
APPLICANT = "赵秘申"
SECRETS = (VISITOR, HOST, VISITOR_PHONE, VISITOR_ID, OWNER, OWNER_PHONE, OWNER_UNIT, APPLICANT,
           "秘密描述", "秘密答复", "秘密处理")


def at(month, day, h, m=0):
    return datetime(2025, month, day, h, m, tzinfo=CST)


@pytest.fixture()
def desk_for(app, world):
    from tests.conftest import Auth

    def make(username):
        client = app.test_client()
        return Desk(client, Auth(client), username)
    return make


def applied(phone, *mutations):
    response = phone.push(list(mutations))
    assert response.status_code == 200, response.json
    assert [r["status"] for r in response.json["results"]] == ["applied"] * len(mutations), response.json


def visit(guard, world, when, purpose, party=1):
    return guard.mutation("visit.check_in", {
        "site_id": world.site1, "visitor_name": VISITOR, "purpose": purpose, "party_size": party,
        "phone": VISITOR_PHONE, "id_kind": "resident", "id_number": VISITOR_ID, "unit": OWNER_UNIT,
        "host_name": HOST}, at=when)


def patrol(manager, world, when, route=True, checkpoints=(), findings=()):
    start = manager.mutation("patrol.start", {"site_id": world.site1, **({"route_id": world.route1} if route else {})},
                             at=when)
    rest = [manager.mutation("patrol.checkpoint", {"patrol_id": start["entity_id"], "checkpoint_id": cp,
                                                   "method": "qr"}, at=when) for cp in checkpoints]
    rest += [manager.mutation("patrol.finding", {"patrol_id": start["entity_id"], "category": category,
                                                 "severity": "medium", "description": "秘密描述",
                                                 "handled_on_spot": on_spot,
                                                 **({"action_taken": "秘密处理"} if on_spot else {})}, at=when)
             for category, on_spot in findings]
    applied(manager, start, *rest, manager.mutation("patrol.end", {}, entity_id=start["entity_id"], at=when))
    return start["entity_id"]


def complaint(cs, world, when, kind, category, households=1, replies=()):
    body = {"site_id": world.site1, "kind": kind, "description": "秘密描述", "channel": "phone",
            "unit": OWNER_UNIT, "owner_name": OWNER, "owner_phone": OWNER_PHONE, "households": households,
            "category": category}
    create = cs.mutation("complaint.create", body, at=when)
    answers = [cs.mutation("complaint.reply", {"complaint_id": create["entity_id"], "stage": stage, "method": method,
                                               "said": "秘密答复", **({"satisfaction": s} if s else {})},
                           at=moment)
               for stage, method, s, moment in replies]
    applied(cs, create, *answers)


def repair(cs, worker, world, when, urgency, finished=None):
    create = cs.mutation("repair.create", {"site_id": world.site1, "description": "秘密描述", "urgency": urgency,
                                           "channel": "phone", "unit": OWNER_UNIT, "owner_name": OWNER,
                                           "owner_phone": OWNER_PHONE}, at=when)
    applied(cs, create)
    if finished is not None:
        applied(worker, worker.mutation("repair.work", {
            "repair_id": create["entity_id"], "started_at": stamp(finished.replace(minute=0)),
            "finished_at": stamp(finished), "work_done": "秘密处理", "materials": [],
            "before_photo_ids": [], "after_photo_ids": []}, at=finished))


@pytest.fixture()
def march(app, client, world):
    """March 2025 at 翠湖花园, with a record on either side of the month's edges."""
    guard, manager = SyncPhone(client, "guard1"), SyncPhone(client, "manager1")
    cs, worker, keeper = SyncPhone(client, "cs1"), SyncPhone(client, "repair1"), SyncPhone(client, "store1")
    # The gate: 6 registrations in March (7 people), the hour 08:00 the busiest; one flag.
    applied(guard, visit(guard, world, at(2, 28, 23, 50), "visit"),  # February, Shanghai time
            visit(guard, world, at(3, 1, 8, 10), "visit", party=2),
            visit(guard, world, at(3, 3, 8, 20), "delivery"),
            visit(guard, world, at(3, 9, 12, 30), "delivery"),
            visit(guard, world, at(3, 16, 8, 45), "contractor"),
            visit(guard, world, at(3, 30, 18, 10), "housekeeping"),
            visit(guard, world, at(3, 31, 23, 30), "delivery"),  # 15:30 UTC: still March
            visit(guard, world, at(4, 1, 0, 30), "visit"))  # 16:30 UTC on 31 March: April's
    applied(guard, guard.mutation("visit.flag", {"site_id": world.site1, "description": "秘密描述"},
                                  at=at(3, 9, 12, 40)),
            guard.mutation("visit.flag", {"site_id": world.site1, "description": "秘密描述"}, at=at(4, 2, 9)))
    # Patrols: two rounds on the route (3 + 1 of 3 checkpoints), one free round; 3 findings.
    cps = world.checkpoints1
    patrol(manager, world, at(3, 2, 8, 40), checkpoints=cps, findings=[("security", True), ("cleaning", False)])
    patrol(manager, world, at(3, 15, 8, 40), checkpoints=cps[:1], findings=[("repair", False)])
    patrol(manager, world, at(3, 20, 8, 40), route=False, checkpoints=cps[:2])
    with app.app_context():
        cleaning = db.session.scalar(select(FollowUp).join(Finding, Finding.followup_id == FollowUp.id)
                                     .where(Finding.category == "cleaning"))
        followup_id, version = cleaning.id, cleaning.version
    applied(manager, manager.mutation("followup.update", {"base_version": version, "status": "resolved"},
                                      entity_id=followup_id, at=at(3, 3, 10)))
    # Complaints: 3 kept, 2 late; parking three times, one of them collective.
    complaint(cs, world, at(3, 5, 10), "valid", "parking", replies=[("reply", "phone", "satisfied", at(3, 5, 10, 30))])
    complaint(cs, world, at(3, 10, 10), "invalid", "cleaning")
    complaint(cs, world, at(3, 12, 9), "collective", "parking", households=6,
              replies=[("reply", "visit", "basically", at(3, 12, 9, 40))])
    complaint(cs, world, at(3, 20, 10), "assisted", "greenery", replies=[("reply", "phone", None, at(3, 20, 11))])
    complaint(cs, world, at(3, 25, 10), "valid", "parking", replies=[("contact", "phone", None, at(3, 25, 13))])
    complaint(cs, world, at(4, 1, 10), "valid", "parking")
    # Repairs: urgent in time, normal late, normal open, February's low one done late in
    # March, an urgent one of 30 March done in April.
    repair(cs, worker, world, at(3, 3, 9), "urgent", at(3, 3, 10, 30))
    repair(cs, worker, world, at(3, 10, 9), "normal", at(3, 12, 10))
    repair(cs, worker, world, at(3, 28, 9), "normal")
    repair(cs, worker, world, at(2, 25, 9), "low", at(3, 2, 10))
    repair(cs, worker, world, at(3, 30, 9), "urgent", at(4, 2, 10))
    # The month's stock check, finished on 12 March.
    check = keeper.mutation("stock.check_start", {"site_id": world.site1, "store_id": world.store1}, at=at(3, 12, 10))
    applied(keeper, check, keeper.mutation("stock.count", {"check_id": check["entity_id"],
                                                           "item_id": world.items1[0], "counted_qty": 10},
                                           at=at(3, 12, 10, 10)),
            keeper.mutation("stock.check_finish", {}, entity_id=check["entity_id"], at=at(3, 12, 10, 30)))
    # One decoration permit issued at the desk in March, one in April.
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.site_id == world.site1, Unit.code == OWNER_UNIT))
        for when in (at(3, 18, 9), at(4, 3, 9)):
            db.session.add(DecorationPermit(
                site_id=world.site1, unit_id=unit.id, applicant_name=APPLICANT, applicant_phone=OWNER_PHONE,
                contractor="秘密装修队", workers=2, start_date=when.date(), end_date=when.date(),
                hours_start="08:00", hours_end="18:00", created_by=world.users["cs1"], created_at=when))
        db.session.commit()


def cells(html: str, table_id: str) -> list[list[str]]:
    """A table's body rows as the text of their cells."""
    body = re.search(rf'<table[^>]*id="{table_id}".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return [[re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


PATROLS = [["巡视次数", "3"], ["到达巡更点", "4"], ["计划巡更点", "6"], ["巡更点到达率", "66.7%"],
           ["发现问题", "3"], ["已当场处理", "1"], ["跟进处理", "2"], ["跟进已办结", "1"]]
FINDINGS = [["安全", "1"], ["保洁", "1"], ["维修", "1"], ["绿化", "0"], ["消防", "0"], ["停车", "0"], ["其他", "0"]]
GATE = [["外来人员登记", "6"], ["外来人员（人数）", "7"], ["上报可疑人员", "1"],
        ["登记高峰时段", "08:00–09:00（3 次）、12:00–13:00（1 次）、18:00–19:00（1 次）"]]
PURPOSES = [["探亲访友", "1"], ["快递外卖", "3"], ["施工", "1"], ["装修", "0"], ["家政", "1"], ["其他", "0"]]
WEEKS = [["2025-03-01 – 2025-03-07", "2"], ["2025-03-08 – 2025-03-14", "1"], ["2025-03-15 – 2025-03-21", "1"],
         ["2025-03-22 – 2025-03-28", "0"], ["2025-03-29 – 2025-03-31", "2"]]
REPAIRS = [["紧急", "2", "1", "1", "1"], ["一般", "2", "1", "0", "1"], ["不急", "0", "1", "0", "0"],
           ["合计", "4", "3", "1", "2"]]
COMPLAINTS = [["受理投诉", "5"], ["报事处理及时率", "60.0%"], ["公司标准", "90.0%"], ["及时处理", "3"],
              ["处理超时", "2"], ["仍在时限内", "0"]]
CLASSES = [["有效投诉", "2"], ["协助处理投诉", "1"], ["无效投诉", "1"], ["集体投诉", "1"]]
CATEGORIES = [["停车", "3"], ["保洁", "1"], ["绿化", "1"]]
STOCK = [["本月库存抽查", "已完成"], ["抽查日期", "2025-03-12"], ["办理装修许可", "1"]]


def test_every_figure_of_a_known_month_on_the_page(app, world, march, desk_for):
    page = desk_for("manager1").text(f"/reports/monthly/{world.site1}/2025-03")
    assert "翠湖花园 · 《月度物业服务报告》" in page and "2025年3月" in page
    assert "截至" not in page  # a past month is whole
    assert cells(page, "patrol-figures") == PATROLS
    assert cells(page, "finding-categories") == FINDINGS
    assert cells(page, "gate-figures") == GATE
    assert cells(page, "visit-purposes") == PURPOSES
    assert cells(page, "visit-weeks") == WEEKS
    assert cells(page, "repair-figures") == REPAIRS
    assert cells(page, "complaint-figures") == COMPLAINTS
    assert cells(page, "complaint-classes") == CLASSES
    assert cells(page, "complaint-categories") == CATEGORIES
    assert cells(page, "stock-figures") == STOCK
    # The rate is the complaint summary's, below its 90 % line.
    assert re.search(r'class="rate-box bad" id="rate">\s*<div class="rate-big">60.0%</div>', page)
    summary = desk_for("manager1").text(f"/complaints/summary?site={world.site1}&month=2025-03")
    assert 'data-rate="0.6000"' in summary
    # Complaints of common interest: the collective one and the parking ones, in a sentence each.
    common = re.findall(r"<li>(.*?)</li>", re.search(r'<ol class="common" id="complaints-common">(.*?)</ol>',
                                                    page, re.S).group(1))
    assert common == [
        "2025-03-05 · 停车 · 有效投诉，涉及 1 户：已于 2025-03-05 办结；电话答复；业主评价：满意。",
        "2025-03-12 · 停车 · 集体投诉，涉及 6 户：已于 2025-03-12 办结；上门答复；业主评价：基本满意。",
        "2025-03-25 · 停车 · 有效投诉，涉及 1 户：正在处理中。",
    ]
    # Four charts drawn on the server, one bar per week, category and class, and the 90 % line.
    assert page.count('<svg class="chart"') == 4
    assert page.count('class="target"') == 1
    for secret in SECRETS:
        assert secret not in page, secret


def test_the_workbook_has_a_sheet_per_section_with_the_same_figures(app, world, march, desk_for):
    response = desk_for("supervisor1").get(f"/reports/monthly/{world.site1}/2025-03?format=xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["巡视", "门岗", "维修", "业户投诉", "库存与装修"]

    def rows(name):
        """The sheet's rows without the empty cells the widest row leaves at their ends."""
        out = []
        for row in book[name].iter_rows(values_only=True):
            row = list(row)
            while row and row[-1] is None:
                row.pop()
            out.append(row)
        return out

    head = ["《月度物业服务报告》", "翠湖花园", "2025-03"]

    def numbers(table):
        return [[int(v) if v.isdigit() else v for v in row] for row in table]

    patrols = rows("巡视")
    assert patrols[0] == head and patrols[1] == ["项目", "数据"]
    assert patrols[2:] == numbers(PATROLS) + [[], ["问题类别", "发现问题"]] + numbers(FINDINGS)
    gate = rows("门岗")
    assert gate[2:6] == numbers(GATE)
    assert gate[6:] == ([[], ["来访事由", "登记次数"]] + numbers(PURPOSES)
                       + [[], ["周", "登记次数"]] + numbers(WEEKS))
    repairs = rows("维修")
    assert repairs[1] == ["紧急程度", "报修", "完成", "按时完成", "月底未完成"]
    assert repairs[2:] == numbers(REPAIRS)
    complaints = rows("业户投诉")
    assert complaints[2:8] == numbers(COMPLAINTS)
    assert complaints[8:] == (
        [[], ["投诉类别", "业户投诉"]] + numbers(CLASSES) + [[], ["问题类别", "业户投诉"]]
        + numbers(CATEGORIES) + [[], ["共性投诉及处理结果"],
                                 ["2025-03-05 · 停车 · 有效投诉，涉及 1 户：已于 2025-03-05 办结；电话答复；业主评价：满意。"],
                                 ["2025-03-12 · 停车 · 集体投诉，涉及 6 户：已于 2025-03-12 办结；上门答复；业主评价：基本满意。"],
                                 ["2025-03-25 · 停车 · 有效投诉，涉及 1 户：正在处理中。"]])
    assert rows("库存与装修")[2:] == numbers(STOCK)
    text = "".join(str(v) for name in book.sheetnames for row in rows(name) for v in row if v is not None)
    for secret in SECRETS:
        assert secret not in text, secret


def test_a_month_with_nothing_in_it(app, world, march, desk_for):
    desk = desk_for("manager1")
    page = desk.text(f"/reports/monthly/{world.site1}/2025-01")
    assert cells(page, "patrol-figures")[:5] == [["巡视次数", "0"], ["到达巡更点", "0"], ["计划巡更点", "0"],
                                                 ["巡更点到达率", "—"], ["发现问题", "0"]]
    assert cells(page, "gate-figures")[0] == ["外来人员登记", "0"]
    assert cells(page, "gate-figures")[3] == ["登记高峰时段", "—"]
    assert cells(page, "repair-figures")[-1] == ["合计", "0", "0", "0", "0"]
    assert cells(page, "complaint-figures")[:2] == [["受理投诉", "0"], ["报事处理及时率", "—"]]
    assert cells(page, "stock-figures") == [["本月库存抽查", "未完成"], ["抽查日期", "—"], ["办理装修许可", "0"]]
    assert '<p class="muted" id="complaints-common">本月没有。</p>' in page
    book = load_workbook(io.BytesIO(desk.get(f"/reports/monthly/{world.site1}/2025-01?format=xlsx").data))
    assert [list(r) for r in book["维修"].iter_rows(values_only=True)][-1] == ["合计", 0, 0, 0, 0]
    assert [list(r) for r in book["库存与装修"].iter_rows(values_only=True)][2][:2] == ["本月库存抽查", "未完成"]


@pytest.mark.parametrize("month", ["2026-13", "abc", "2025-3", "2025-00"])
def test_a_bad_month_is_refused_in_chinese(app, world, desk_for, month):
    desk = desk_for("manager1")
    for path in (f"/reports/monthly/{world.site1}/{month}", f"/reports/monthly?site={world.site1}&month={month}"):
        response = desk.get(path)
        assert response.status_code == 400, path
        assert "请按 YYYY-MM 格式填写月份，例如 2026-11。" in response.get_data(as_text=True)


def test_a_month_not_begun_is_refused_and_this_month_runs_to_today(app, world, desk_for):
    desk = desk_for("manager1")
    today = datetime.now(CST).date()
    following = date(today.year + today.month // 12, today.month % 12 + 1, 1)
    response = desk.get(f"/reports/monthly/{world.site1}/{following.strftime('%Y-%m')}")
    assert response.status_code == 400
    assert "该月份尚未开始，从该月第一天起才能生成报告。" in response.get_data(as_text=True)
    page = desk.text(f"/reports/monthly/{world.site1}/{today.strftime('%Y-%m')}")
    assert f"截至 {today.isoformat()}" in page


def test_the_chooser_lists_the_months_and_goes_to_one(app, world, march, desk_for):
    desk = desk_for("manager1")
    page = desk.text("/reports/monthly")
    today = datetime.now(CST).date()
    months = re.findall(rf'href="/reports/monthly/{world.site1}/(\d{{4}}-\d\d)"', page)
    assert months[0] == today.strftime("%Y-%m") and months[-1] == "2025-02"
    assert "2025-03" in months
    response = desk.get(f"/reports/monthly?site={world.site1}&month=2025-03")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/reports/monthly/{world.site1}/2025-03")


@pytest.mark.parametrize("username, status", [
    ("manager1", 200), ("supervisor1", 200), ("admin1", 200),
    ("manager2", 404),  # another site's report
    ("guard1", 403), ("lead1", 403), ("clerk1", 403), ("cs1", 403), ("repair1", 403),
])
def test_who_may_read_site_ones_report(app, world, desk_for, username, status):
    desk = desk_for(username)
    assert desk.get(f"/reports/monthly/{world.site1}/2025-03").status_code == status
    assert desk.get(f"/reports/monthly/{world.site1}/2025-03?format=xlsx").status_code == status


def test_the_pdf_without_weasyprint_says_so(app, world, desk_for, monkeypatch):
    from app.reports import pdf
    monkeypatch.setattr(pdf, "available", lambda: False)
    desk = desk_for("manager1")
    page = desk.text(f"/reports/monthly/{world.site1}/2025-03")
    assert 'id="report-pdf"' not in page
    response = desk.get(f"/reports/monthly/{world.site1}/2025-03?format=pdf")
    assert response.status_code == 404
    assert "生成 PDF 需要服务器安装 WeasyPrint" in response.get_data(as_text=True)


def test_the_pdf_when_weasyprint_is_installed(app, world, march, desk_for):
    from app.reports import pdf
    if not pdf.available():
        pytest.skip("WeasyPrint is not installed (pip install weasyprint, with Debian's pango)")
    desk = desk_for("manager1")
    assert 'id="report-pdf"' in desk.text(f"/reports/monthly/{world.site1}/2025-03")
    response = desk.get(f"/reports/monthly/{world.site1}/2025-03?format=pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert response.headers["Cache-Control"] == "no-store"
