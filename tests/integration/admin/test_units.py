"""Buildings and units: listing in pages, adding and editing, and the all-or-nothing CSV import."""
import io
import re

import pytest

from app.models import Building
from app.models import Unit


def upload(desk, site_id, content: bytes, filename="units.csv"):
    return desk.post("/admin/units/import", {"site_id": site_id, "file": (io.BytesIO(content), filename)},
                     content_type="multipart/form-data")


def problems(response) -> list[tuple[str, str]]:
    """The (line, message) rows of the problem table."""
    text = response.get_data(as_text=True)
    return re.findall(r'<tr><td class="num">([^<]*)</td><td>([^<]*)</td></tr>', text)


def test_buildings_page_pages_through_units(app, desk, world):
    with app.app_context():
        from app.extensions import db
        for i in range(230):
            db.session.add(Unit(site_id=world.site1, building_id=world.building1, code=f"9-1-{i:04d}"))
        db.session.commit()
    first = desk.text(f"/admin/buildings?site={world.site1}")
    assert "共 233 条，第 1/5 页" in first
    assert "9-1-0000" in first and "9-1-0100" not in first
    last = desk.text(f"/admin/buildings?site={world.site1}&page=5")
    assert "9-1-0229" in last
    found = desk.text(f"/admin/buildings?site={world.site1}&q=0150")
    assert "9-1-0150" in found and "9-1-0151" not in found


def test_buildings_page_defaults_to_a_site_and_never_mixes_them(desk, world):
    text = desk.text(f"/admin/buildings?site={world.site2}")
    assert "金桂苑" in text and "1-1-101" in text


def test_add_building_and_unit(desk, count, world):
    assert desk.post(f"/admin/sites/{world.site1}/buildings/new", {"name": "2栋", "sort": "2"}).status_code == 302
    assert count(Building, site_id=world.site1, name="2栋") == 1
    response = desk.post(f"/admin/sites/{world.site1}/units/new",
                         {"building_id": world.building1, "code": "1-3-301", "resident_name": "王五",
                          "occupancy": "tenant"})
    assert response.status_code == 302
    assert count(Unit, site_id=world.site1, code="1-3-301", occupancy="tenant") == 1


@pytest.mark.parametrize("data, message", [
    ({"code": "1-1-101"}, "该值已被使用"),
    ({"code": ""}, "此项为必填项"),
    ({"code": "1" * 33}, "最多 32 个字符"),
    ({"resident_name": "名" * 10_000}, "最多 60 个字符"),
    ({"occupancy": "squatter"}, "不是有效的选择"),
    ({"building_id": "no-such-building"}, "不是有效的选择"),
])
def test_bad_unit_is_refused(desk, count, world, data, message):
    form = {"building_id": world.building1, "code": "1-9-901", "occupancy": "owner"}
    form.update(data)
    before = count(Unit)
    response = desk.post(f"/admin/sites/{world.site1}/units/new", form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(Unit) == before


def test_building_of_another_site_is_not_a_choice(app, desk, count, world):
    with app.app_context():
        from app.extensions import db
        other = db.session.scalar(db.select(Building.id).where(Building.site_id == world.site2))
    before = count(Unit)
    response = desk.post(f"/admin/sites/{world.site1}/units/new",
                         {"building_id": other, "code": "1-9-901", "occupancy": "owner"})
    assert response.status_code == 422
    assert count(Unit) == before


def test_edit_unit_and_building(app, desk, fetch, world):
    with app.app_context():
        from app.extensions import db
        unit_id = db.session.scalar(db.select(Unit.id).where(Unit.site_id == world.site1, Unit.code == "1-1-101"))
    assert desk.text(f"/admin/units/{unit_id}/edit")
    response = desk.post(f"/admin/units/{unit_id}/edit", {"building_id": world.building1, "code": "1-1-101",
                                                           "resident_name": "赵六", "occupancy": "owner"})
    assert response.status_code == 302
    assert fetch(Unit, unit_id).resident_name == "赵六"
    assert desk.post(f"/admin/units/{unit_id}/edit", {"building_id": world.building1, "code": "1-1-102",
                                                      "occupancy": "owner"}).status_code == 422
    assert desk.post(f"/admin/buildings/{world.building1}/edit", {"name": "一号楼", "sort": "1"}).status_code == 302
    assert fetch(Building, world.building1).name == "一号楼"
    assert desk.post(f"/admin/buildings/{world.building1}/edit", {"name": "", "sort": "x"}).status_code == 422


# --- CSV import --------------------------------------------------------------------------

GOOD = "building,code,resident_name,occupancy\n2栋,2-1-101,张三,owner\n2栋,2-1-102,,tenant\n1栋,1-2-202,李四,业主\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_import_in_every_encoding_excel_writes(desk, count, world, encoding):
    response = upload(desk, world.site1, GOOD.encode(encoding))
    assert response.status_code == 302, problems(response)
    assert count(Unit, site_id=world.site1) == 6
    assert count(Building, site_id=world.site1, name="2栋") == 1
    assert count(Unit, site_id=world.site1, code="2-1-102", occupancy="tenant") == 1
    assert count(Unit, site_id=world.site1, code="1-2-202", occupancy="owner", resident_name="李四") == 1


def test_import_with_chinese_headings_crlf_and_quoted_cells(desk, count, world):
    content = '楼栋,房号,住户姓名,居住类型\r\n"3栋",3-1-101,"欧阳, 娜娜",租户\r\n\r\n3栋,3-1-102,,\r\n'
    response = upload(desk, world.site1, content.encode("gbk"))
    assert response.status_code == 302, problems(response)
    assert count(Unit, site_id=world.site1, code="3-1-101", resident_name="欧阳, 娜娜", occupancy="tenant") == 1
    assert count(Unit, site_id=world.site1, code="3-1-102", occupancy="owner") == 1


def test_bad_rows_are_listed_by_line_and_nothing_is_imported(desk, count, world):
    content = ("building,code,resident_name,occupancy\n"
               "2栋,2-1-101,张三,owner\n"          # line 2: fine
               ",2-1-102,,owner\n"                 # line 3: no building
               "2栋,2-1-101,,owner\n"              # line 4: duplicate of line 2
               "1栋,1-1-101,,owner\n"              # line 5: exists already
               "2栋,2-1-103,,landlord\n"           # line 6: bad occupancy
               f"2栋,{'9' * 40},,owner\n"          # line 7: too long
               "2栋,,,owner,extra\n")              # line 8: no code, a cell without heading
    units_before, buildings_before = count(Unit), count(Building)
    response = upload(desk, world.site1, content.encode("utf-8"))
    assert response.status_code == 422
    rows = problems(response)
    lines = [line for line, _ in rows]
    assert lines == ["3", "4", "5", "6", "7", "8", "8"]
    text = dict((line, msg) for line, msg in rows)
    assert "缺少楼栋" in text["3"]
    assert "已在第 2 行出现" in text["4"]
    assert "本小区已有房号 1-1-101" in text["5"]
    assert "landlord" in text["6"]
    assert "超过 32 个字符" in text["7"]
    assert "未导入任何数据" in response.get_data(as_text=True)
    assert (count(Unit), count(Building)) == (units_before, buildings_before)


@pytest.mark.parametrize("content, message", [
    (b"", "文件是空的"),
    (b"building,code\n", "只有表头"),
    (b"building,room\n1,2\n", "无法识别的列"),
    (b"code,resident_name\n1-1-1,x\n", "缺少列“building”"),
    (b"building,code,code\n1,2,3\n", "出现了两次"),
    (b"\xff\xfe\x00\x00\x81", "既不是 UTF-8 也不是 GBK"),
    (b"building,code\n1\x00,2\n", "楼栋含有控制字符"),
    (b"building,code\n1," + b"9" * 200_000 + b"\n", "不是有效的 CSV"),
])
def test_unreadable_files_import_nothing(desk, count, world, content, message):
    before = count(Unit)
    response = upload(desk, world.site1, content)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(Unit) == before


def test_same_code_in_another_site_is_fine(desk, count, world):
    response = upload(desk, world.site2, b"building,code\n1\xe6\xa0\x8b,1-1-999\n")
    assert response.status_code == 302
    response = upload(desk, world.site1, b"building,code\n1\xe6\xa0\x8b,1-1-999\n")
    assert response.status_code == 302
    assert count(Unit, code="1-1-999") == 2


def test_import_into_a_site_that_is_not_yours(app, desk, count, world):
    before = count(Unit)
    response = upload(desk, "not-a-site", GOOD.encode())
    assert response.status_code == 422
    assert "不是有效的选择" in response.get_data(as_text=True)
    assert count(Unit) == before


def test_import_needs_a_file(desk, count, world):
    response = desk.post("/admin/units/import", {"site_id": world.site1}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "请选择文件" in response.get_data(as_text=True)
