"""What holds for every list's files alike: the links beside the filter bar, an unknown
format answered with the page and a message, the page's access, English headers for an
English user, and a file with only its header when nothing matches."""
import pytest

from tests.integration.exports.conftest import csv_rows
from tests.integration.exports.conftest import sheet

LISTS = {
    "/patrols": "开始时间",
    "/gate/visits": "进入",
    "/stock/checks": "开始时间",
    "/followups/list": "跟进事项",
    "/complaints": "投诉时间",
    "/repairs": "报修时间",
    "/decoration/permits": "房号",
    "/tenants": "房号",
    "/review/devices": "手机",
    "/review/conflicts": "时间",
}
ENGLISH = {"/patrols": "Started", "/gate/visits": "In", "/stock/checks": "Started", "/followups/list": "Follow-up",
           "/complaints": "Lodged at", "/repairs": "Requested at", "/decoration/permits": "Unit", "/tenants": "Unit",
           "/review/devices": "Phone", "/review/conflicts": "Time"}


@pytest.mark.parametrize("path", LISTS)
def test_links_and_an_empty_file_with_its_chinese_header(desk_for, world, path):
    desk = desk_for("supervisor1")
    html = desk.text(f"{path}?site={world.site1}")
    assert "导出 Excel" in html and "导出 CSV" in html and "format=xlsx" in html and "format=csv" in html
    rows = csv_rows(desk.get(f"{path}?site={world.site1}&format=csv"))
    assert rows[0][0] == LISTS[path] and len(rows) == 1
    ws = sheet(desk.get(f"{path}?site={world.site1}&format=xlsx"))
    assert ws["A1"].value == LISTS[path] and ws.max_row == 1 and ws.freeze_panes == "A2"


@pytest.mark.parametrize("path", LISTS)
def test_an_unknown_format_is_the_page_with_a_message(desk_for, world, path):
    response = desk_for("supervisor1").get(f"{path}?site={world.site1}&format=pdf")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "只能导出为 Excel 或 CSV；已显示页面。" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", LISTS)
def test_a_guard_gets_no_file(desk_for, path):
    """The file is the page: a guard, refused the page, is refused its file."""
    response = desk_for("guard1").get(f"{path}?format=csv")
    assert response.status_code == 403
    assert response.mimetype == "text/html"


@pytest.mark.parametrize("path", LISTS)
def test_english_headers_for_an_english_user(client, desk_for, world, path):
    desk = desk_for("supervisor1")
    desk.post("/lang/en")
    rows = csv_rows(desk.get(f"{path}?site={world.site1}&format=csv"))
    assert rows[0][0] == ENGLISH[path]


@pytest.mark.parametrize("path", LISTS)
def test_a_file_says_how_big_it_is(desk_for, world, path):
    """An XLSX has its Content-Length, a CSV its rows in X-Export-Rows (a progress bar's 100 %)."""
    desk = desk_for("supervisor1")
    xlsx = desk.get(f"{path}?site={world.site1}&format=xlsx")
    assert int(xlsx.headers["Content-Length"]) == len(xlsx.get_data()) > 0
    response = desk.get(f"{path}?site={world.site1}&format=csv")
    assert response.headers["X-Export-Rows"] == str(len(csv_rows(response)) - 1) == "0"
    assert "Content-Length" not in response.headers  # streamed while it is written


PAPER_FORMS = ["/complaints/summary", "/complaints/duty", "/stock/feedback", "/worklog", "/worklog/attendance",
               "/inspections"]


@pytest.mark.parametrize("path", PAPER_FORMS)
def test_a_paper_forms_file_says_how_big_it_is(desk_for, world, path):
    desk = desk_for("supervisor1")
    xlsx = desk.get(f"{path}?site={world.site1}&format=xlsx")
    assert int(xlsx.headers["Content-Length"]) == len(xlsx.get_data()) > 0
    response = desk.get(f"{path}?site={world.site1}&format=csv")
    assert response.headers["X-Export-Rows"] == str(len(csv_rows(response)) - 1)
