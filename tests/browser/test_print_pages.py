"""Every printable office page as it comes out of the printer: opened in Chromium with the
print media at its sheet's width (A4 portrait, 794×1123 CSS pixels at 96 dpi, or A4
landscape for the compliance calendar) on a scene of known records, the top bar, filters
and buttons gone, the form's 《name》 and its signature lines there; a form of several
sheets heads the first with its name and every later one with a running head. A full-page
PNG and a PDF at the sheet size the page's CSS asks for are kept for people to look at.

The pictures go to ``$PRINT_SHOTS_DIR`` (else ``test-artifacts/print``); the directory is
printed in the test output. A new printable page is one more line in ``PRINTABLE``.
"""
import os
import re
import uuid
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import ROOT
from tests.browser.test_office import ApiPhone

CST = ZoneInfo("Asia/Shanghai")
A4 = {"width": 794, "height": 1123}
A4_LANDSCAPE = {"width": 1123, "height": 794}
PDF_PAGE = re.compile(rb"/Type\s*/Page(?![s\w])")
MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]")


@dataclass(frozen=True)
class Printable:
    """A page that prints as a paper form: its name, its address (filled from the scene),
    the form's name on paper, how many signature lines it ends with, and text it must show;
    its sheet (A4 portrait unless said), and for a form of several sheets how many, with
    the selector of the running head that tops every sheet after the first."""

    name: str
    path: str
    title: str
    signatures: int
    shows: str = ""
    sheet: dict = field(default_factory=lambda: A4)
    sheets: int = 1
    running: str = ""


# One line per printable page. The scene's keys: site, day, month, month_zh, week, inspection,
# morning, weekly, daily_report, weekly_summary, tag.
PRINTABLE = [
    Printable("worklog", "/worklog?site={site}&day={day}", "《个人工作日志》", 2, "晨会{tag}"),
    Printable("attendance", "/worklog/attendance?site={site}&month={month}", "《考勤表》", 2, "经理1"),
    Printable("inspections", "/inspections?site={site}&week={week}", "《书面考核周汇总》", 0, "保洁员1"),
    Printable("inspection", "/inspections/{inspection}", "《服务过程检验单》", 2, "楼道有烟头{tag}"),
    Printable("duty", "/complaints/duty?site={site}&day={day}", "《值班记录表》", 2, "电梯异响{tag}"),
    Printable("summary", "/complaints/summary?site={site}&month={month}", "《客户投诉汇总及处理情况表》", 2,
              "电梯异响{tag}"),
    Printable("feedback", "/stock/feedback?site={site}&month={month}", "《物资质量使用反馈单》", 2, "灯头松动{tag}"),
    Printable("morning-meeting", "/meetings/{morning}", "《晨会记录》", 2, "消防通道清理{tag}"),
    Printable("weekly-meeting", "/meetings/{weekly}", "《周例会记录》", 2, "本周例会{tag}"),
    Printable("daily-report", "/manager-reports/{daily_report}", "《日清表》", 2, "巡视全部区域{tag}"),
    Printable("weekly-summary", "/manager-reports/{weekly_summary}", "《周工作总结》", 2, "本周完成{tag}"),
    # Five sections, each on its own sheet: the first under the form's name, the rest under a running head.
    Printable("monthly", "/reports/monthly/{site}/{month}", "《月度物业服务报告》", 0, "{month_zh}",
              sheets=5, running=".section-head"),
    Printable("calendar", "/review/calendar?site={site}&month={month}", "《合规日历》", 2, "每天08:20—08:30召开晨会",
              sheet=A4_LANDSCAPE),
    Printable("calendar-sites", "/review/calendar/sites?month={month}", "《合规日历》", 2, "翠湖花园",
              sheet=A4_LANDSCAPE),
]


@pytest.fixture(scope="module")
def print_dir():
    """Kept after the run beside the other screenshots, for people to look at."""
    folder = Path(os.environ.get("PRINT_SHOTS_DIR") or ROOT / "test-artifacts" / "print")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def minutes_before_now(when: datetime) -> float:
    return (datetime.now(timezone.utc) - when).total_seconds() / 60


@pytest.fixture(scope="module")
def scene(server):
    """A day three weeks ago at 翠湖花园, before the demo's fortnight, recorded by the phones:
    manager1 signs in and out, chairs the morning meeting (and the week's on its Monday),
    inspects the cleaner, notes the day, clears it (日清) and sums up its week (周总结); the
    front desk takes a complaint; the store keeper counts two defective tubes."""
    if not server.running:
        server.start()
    tag = uuid.uuid4().hex[:4]
    (site,), = server.query("SELECT id FROM sites WHERE name = '翠湖花园'")
    (cleaner,), = server.query("SELECT id FROM users WHERE username = 'clean1'")
    (guard,), = server.query("SELECT id FROM users WHERE username = 'guard1'")
    (store, item), = server.query("SELECT store_id, id FROM items WHERE site_id = ? AND name = '灯管 T5'", (site,))
    day = datetime.now(CST).date() - timedelta(days=21)

    def at(hhmm, on=day):
        h, m = map(int, hhmm.split(":"))
        return minutes_before_now(datetime(on.year, on.month, on.day, h, m, tzinfo=CST))

    monday = day - timedelta(days=day.weekday())
    manager = ApiPhone(server, "manager1")
    made = [manager.mutation("attendance.sign_in", {"site_id": site, "uniform": True}, minutes_ago=at("08:12")),
            manager.mutation("meeting.record", {
                "site_id": site, "kind": "morning", "attendee_ids": [guard, cleaner], "absent_note": "维修工1请假",
                "assignments": f"消防通道清理{tag}\n3号楼漏水跟进", "yesterday_summary": "昨日巡视无异常"},
                minutes_ago=at("08:25")),
            manager.mutation("inspection.record", {
                "site_id": site, "person_id": cleaner, "score": 85, "notes": f"楼道有烟头{tag}",
                "checklist": {"floors": False, "bins": True, "glass": True, "tools": True, "schedule": True}},
                minutes_ago=at("10:20")),
            manager.mutation("meeting.record", {
                "site_id": site, "kind": "weekly", "attendee_ids": [guard, cleaner],
                "yesterday_summary": f"本周例会{tag}：门岗登记齐全，保洁达标"}, minutes_ago=at("09:00", monday)),
            manager.mutation("worklog.note", {"site_id": site, "day": day.isoformat(),
                                              "text": f"晨会{tag}：安排消防通道清理"}, minutes_ago=at("17:30")),
            manager.mutation("report.submit", {
                "site_id": site, "kind": "daily", "period": day.isoformat(), "done": f"巡视全部区域{tag}，处理漏水",
                "open_items": "3栋电梯待修", "plan": "跟进电梯维修"}, minutes_ago=at("17:35")),
            manager.mutation("report.submit", {
                "site_id": site, "kind": "weekly", "period": monday.isoformat(), "done": f"本周完成{tag}：书面考核两次",
                "plan": "下周消防演练"}, minutes_ago=at("17:38")),
            manager.mutation("attendance.sign_out", {"site_id": site}, minutes_ago=at("17:42"))]
    results = manager.push(*made)["results"]
    assert [r["status"] for r in results] == ["applied"] * len(made), results
    desk = ApiPhone(server, "cs1")
    result = desk.push(desk.mutation("complaint.create", {
        "site_id": site, "kind": "valid", "channel": "phone", "category": "repair", "unit": "3-2-1101",
        "description": f"电梯异响{tag}，夜里吵得睡不着", "owner_name": "林女士", "owner_phone": "13912345678"},
        minutes_ago=at("09:30")))["results"][0]
    assert result["status"] == "applied", result
    keeper = ApiPhone(server, "store1")
    check = keeper.mutation("stock.check_start", {"site_id": site, "store_id": store}, minutes_ago=at("14:00"))
    results = keeper.push(check, keeper.mutation("stock.count", {
        "check_id": check["entity_id"], "item_id": item, "counted_qty": 30, "defective_qty": 2,
        "note": f"灯头松动{tag}"}, minutes_ago=at("14:05")),
        keeper.mutation("stock.check_finish", {}, entity_id=check["entity_id"], minutes_ago=at("14:20")))["results"]
    assert [r["status"] for r in results] == ["applied"] * 3, results
    return {"site": site, "day": day.isoformat(), "month": day.strftime("%Y-%m"),
            "month_zh": f"{day.year}年{day.month}月", "week": monday.isoformat(), "inspection": made[2]["entity_id"],
            "morning": made[1]["entity_id"], "weekly": made[3]["entity_id"], "daily_report": made[5]["entity_id"],
            "weekly_summary": made[6]["entity_id"], "tag": tag}


@pytest.fixture()
def desk(browser, live):
    ctx = browser.new_context(viewport=A4, base_url=live.url, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = ctx.new_page()
    page.goto("/login")
    page.fill("input[name=username]", "manager1")
    page.fill("input[name=password]", "demo1234")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(re.compile(r".*/(review|followups)$"))
    yield page
    ctx.close()


@pytest.mark.parametrize("form", PRINTABLE, ids=lambda form: form.name)
def test_the_page_prints_as_its_paper_form(desk, scene, print_dir, capsys, form):
    page = desk
    page.set_viewport_size(form.sheet)
    page.goto(form.path.format(**scene))
    # On the screen: the page's heading and its print button, the paper's heading not yet.
    assert page.locator("[data-print]").is_visible() and page.locator(".paper-head").is_hidden()
    page.emulate_media(media="print")
    assert page.locator("header.topbar").is_hidden() and page.locator(".office-search").is_hidden()
    assert page.locator(".page-head").is_hidden() and page.locator("form.office-filter").is_hidden()
    for control in page.locator("main button, main a.button, main input, main select").all():
        assert control.is_hidden(), control.evaluate("e => e.outerHTML")
    assert page.locator(".paper-head .form-title").inner_text() == form.title
    assert page.locator(".signatures .sign:visible").count() == form.signatures
    assert form.shows.format(**scene) in page.locator("main").inner_text()
    assert "13912345678" not in page.content()
    # A form of several sheets: its name heads the first, a running head each one after.
    heads = page.locator(form.running or "#no-running-head")
    assert heads.count() == form.sheets - 1
    for head in heads.all():
        assert head.is_visible() and form.title in head.inner_text()
        assert page.locator(".paper-head").bounding_box()["y"] < head.bounding_box()["y"]
    # Nothing runs off the right edge of the sheet.
    assert page.evaluate("document.documentElement.scrollWidth") <= form.sheet["width"]
    png = print_dir / f"{form.name}.png"
    page.screenshot(path=str(png), full_page=True)
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (print_dir / f"{form.name}.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF") and len(PDF_PAGE.findall(pdf)) >= form.sheets
    # Every sheet is A4 the way round the form is laid out (595×842 points, or 842×595).
    a4 = (595, 842) if form.sheet["width"] < form.sheet["height"] else (842, 595)
    boxes = [(float(w), float(h)) for w, h in MEDIA_BOX.findall(pdf)]
    assert boxes and all(abs(w - a4[0]) < 2 and abs(h - a4[1]) < 2 for w, h in boxes), boxes
    with capsys.disabled():
        print(f"\nprint view of {form.path.format(**scene)}: {png} ({len(PDF_PAGE.findall(pdf))} A4 sheets)")
