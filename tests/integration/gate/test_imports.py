"""CSV import of the gate's lists: all or nothing, every problem by line, in Chinese."""
import io
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Unit
from app.models.gate import ResidentVehicle
from app.models.gate import WatchEntry
from tests.integration.gate.test_lists import table

VEHICLES = "plate,unit,owner_name\n粤B10001,1-1-101,陈建国\n粤b·10002,1-1-102,\n粤BD10003,1-2-201,林大海\n"
WATCH = "姓名,手机,身份证号,车牌,原因\n赵六,+86 139 0000 1111,,,多次尾随\n,,,粤A88888,拒不登记\n孙八,,11010119900107123x,,冒充快递员\n"


@pytest.fixture()
def listed(app, world):
    """A plate already listed at site 1, so that the file may collide with it."""
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.site_id == world.site1, Unit.code == "1-1-101"))
        db.session.add(ResidentVehicle(site_id=world.site1, plate="粤B77777", unit_id=unit.id))
        db.session.commit()


def upload(desk, site_id, kind, content: bytes, filename="list.csv"):
    return desk.post("/gate/lists/import", {"site_id": site_id, "kind": kind,
                                            "file": (io.BytesIO(content), filename)},
                     content_type="multipart/form-data")


def problems(response) -> list[tuple[str, str]]:
    """(line, message) rows of the problems table."""
    body = response.get_data(as_text=True)
    assert "未导入任何数据" in body
    return re.findall(r'<tr><td class="num">([^<]*)</td><td>([^<]*)</td></tr>', body)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_a_good_vehicle_file_writes_every_row(app, listed, desk_for, world, encoding):
    response = upload(desk_for("manager1"), world.site1, "vehicles", VEHICLES.encode(encoding))
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        cars = {c.plate: c for c in db.session.scalars(select(ResidentVehicle).where(
            ResidentVehicle.site_id == world.site1))}
        assert set(cars) == {"粤B77777", "粤B10001", "粤B10002", "粤BD10003"}
        assert cars["粤B10001"].owner_name == "陈建国" and cars["粤B10002"].owner_name is None
        assert db.session.get(Unit, cars["粤BD10003"].unit_id).code == "1-2-201"


def test_a_good_watch_file_with_chinese_headings_writes_every_row(app, desk_for, world):
    response = upload(desk_for("supervisor1"), world.site2, "watch", WATCH.encode("gbk"))
    assert response.status_code == 302
    with app.app_context():
        rows = {(w.name, w.phone, w.id_number, w.plate, w.reason) for w in db.session.scalars(
            select(WatchEntry).where(WatchEntry.site_id == world.site2))}
    assert rows == {("赵六", "13900001111", None, None, "多次尾随"), (None, None, None, "粤A88888", "拒不登记"),
                    ("孙八", None, "11010119900107123X", None, "冒充快递员")}


def test_imported_rows_reach_the_phones(app, desk_for, world):
    from tests.integration.sync.conftest import SyncPhone
    phone = SyncPhone(app.test_client(), "guard1")
    assert upload(desk_for("manager1"), world.site1, "vehicles", VEHICLES.encode()).status_code == 302
    changes = phone.push().json["changes"]
    assert {c["data"]["plate"] for c in changes if c["type"] == "vehicle"} == {"粤B10001", "粤B10002", "粤BD10003"}


BAD = [
    ("vehicles", b"\xff\xfe\x80\x81plate", [("—", "文件既不是 UTF-8 也不是 GBK 编码的文本")]),
    ("vehicles", "plate,owner_name\n粤B10001,张三\n".encode(), [("1", "缺少列“unit”")]),
    ("vehicles", "车牌,房号,颜色\n粤B10001,1-1-101,白\n".encode(), [("1", "无法识别的列“颜色”")]),
    ("vehicles", "plate,unit\n粤B10001,1-1-101\nABC12,1-1-102\n粤B1,1-1-102\n".encode(),
     [("3", "“ABC12”不是有效的车牌号"), ("4", "“粤B1”不是有效的车牌号")]),
    ("vehicles", "plate,unit\n粤B10001,1-1-101\n粤B10002,1-1-102\n粤b·10001,1-2-201\n".encode(),
     [("4", "车牌 粤B10001 已在第 2 行出现")]),
    ("vehicles", "plate,unit\n粤B10001,1-1-101\n粤B77777,1-1-102\n".encode(), [("3", "车牌 粤B77777 已在本小区名单中")]),
    ("vehicles", "plate,unit\n粤B10001,1-1-101\n粤B10002,9-9-999\n".encode(), [("3", "本小区没有房号 9-9-999")]),
    ("vehicles", "plate,unit\n粤B10001,\n,1-1-101\n".encode(), [("2", "缺少房号"), ("3", "缺少车牌号")]),
    ("vehicles", b"", [("—", "文件是空的")]),
    ("vehicles", b"plate,unit\n", [("—", "文件只有列名，没有数据行")]),
    ("watch", "name,phone,reason\n赵六,12-34,多次尾随\n钱七,,\n,,可疑\n".encode(),
     [("2", "不是有效的电话号码"), ("3", "缺少关注原因"), ("4", "至少填写一项")]),
    ("watch", "name,reason\n赵六\u0007,可疑\n".encode(), [("2", "姓名含有控制字符")]),
    ("watch", "name,id_number,reason\n赵六,11#0101,可疑\n".encode(), [("2", "不是有效的证件号")]),
]


@pytest.mark.parametrize("kind, content, expected", BAD)
def test_a_bad_file_is_422_lists_every_problem_by_line_and_writes_nothing(app, listed, desk_for, world, kind,
                                                                          content, expected):
    before = table(app, ResidentVehicle, world.site1), table(app, WatchEntry, world.site1)
    response = upload(desk_for("manager1"), world.site1, kind, content)
    assert response.status_code == 422
    found = problems(response)
    assert [line for line, _ in found] == [line for line, _ in expected]
    for (_, message), (_, wanted) in zip(found, expected):
        assert wanted in message, (message, wanted)
    assert (table(app, ResidentVehicle, world.site1), table(app, WatchEntry, world.site1)) == before


def test_a_phone_number_in_a_refused_file_is_not_shown_in_full(app, desk_for, world):
    response = upload(desk_for("manager1"), world.site1, "watch", "name,phone,reason\n赵六,1390000111122223333,x\n".encode())
    assert response.status_code == 422
    assert "1390000111122223333" not in response.get_data(as_text=True)


@pytest.mark.parametrize("username, status", [("manager2", 422), ("guard1", 403), ("cs1", 403)])
def test_nobody_else_imports_into_site_1(app, desk_for, world, username, status):
    before = table(app, ResidentVehicle, world.site1)
    assert upload(desk_for(username), world.site1, "vehicles", VEHICLES.encode()).status_code == status
    assert table(app, ResidentVehicle, world.site1) == before


def test_an_unknown_kind_is_422(app, desk_for, world):
    response = upload(desk_for("manager1"), world.site1, "owners", VEHICLES.encode())
    assert response.status_code == 422
    assert table(app, ResidentVehicle, world.site1) == []


def test_the_import_page_explains_both_files(desk_for, world):
    body = desk_for("manager1").text(f"/gate/lists/import?site={world.site1}&kind=watch")
    assert "plate,unit,owner_name" in body and "name,phone,id_number,plate,reason" in body
    assert 'selected value="watch"' in body
