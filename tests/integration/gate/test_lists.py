"""The gate's lists at the desk: add, edit, deactivate; every bad input is 422 and writes
nothing; every change reaches a guard's phone at its next pull."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Unit
from app.models.gate import ResidentVehicle
from app.models.gate import WatchEntry
from tests.integration.sync.conftest import SyncPhone

WATCH_PHONE, WATCH_ID = "13900001111", "110101199001061234"


@pytest.fixture()
def rows(app, world):
    """A vehicle and a watch entry at each site, and a deactivated vehicle at site 1."""
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.site_id == world.site1, Unit.code == "1-1-101"))
        unit2 = db.session.scalar(select(Unit).where(Unit.site_id == world.site2, Unit.code == "1-1-101"))
        car = ResidentVehicle(site_id=world.site1, plate="粤B12345", unit_id=unit.id, owner_name="陈建国")
        old = ResidentVehicle(site_id=world.site1, plate="粤B54321", unit_id=unit.id, owner_name="旧车", active=False)
        car2 = ResidentVehicle(site_id=world.site2, plate="粤C11111", unit_id=unit2.id, owner_name="王二")
        watch = WatchEntry(site_id=world.site1, name="赵六", phone=WATCH_PHONE, id_number=WATCH_ID,
                           plate="粤B66666", reason="多次尾随")
        watch2 = WatchEntry(site_id=world.site2, name="钱七", phone="13700000000", reason="别的小区")
        db.session.add_all([car, old, car2, watch, watch2])
        db.session.commit()
        return {"car": car.id, "old": old.id, "car2": car2.id, "watch": watch.id, "watch2": watch2.id}


@pytest.fixture()
def phone(app, world):
    """A guard's phone that has pulled everything so far; ``changes()`` pulls what is new."""
    class Puller(SyncPhone):
        cursor = None

        def changes(self):
            found = []
            for _ in range(20):
                body = self.push(cursor=self.cursor).json
                found += body["changes"]
                self.cursor = body["cursor"]
                if not body["has_more"]:
                    return {(c["type"], c["id"]): c for c in found}
            raise AssertionError("the pull never ended")

    puller = Puller(app.test_client(), "guard1")  # its own client: a phone has no desk session
    puller.changes()
    return puller


def table(app, model, site_id):
    """The rows of a list at a site, as tuples, to compare before and after."""
    with app.app_context():
        columns = [c for c in model.__table__.columns]
        return sorted(tuple(str(getattr(r, c.key)) for c in columns)
                      for r in db.session.scalars(select(model).where(model.site_id == site_id)))


def test_the_lists_page_shows_both_lists_of_one_site_masked(rows, desk_for, world):
    desk = desk_for("supervisor1")
    body = desk.text(f"/gate/lists?site={world.site1}")
    for text in ("粤B12345", "1-1-101", "陈建国", "赵六", "139****1111", "110101********1234",
                 "粤B66666", "多次尾随", "在用 1 辆，已停用 1 辆"):
        assert text in body, text
    assert WATCH_PHONE not in body and WATCH_ID not in body
    assert "粤C11111" not in body and "钱七" not in body
    other = desk.text(f"/gate/lists?site={world.site2}")
    assert "粤C11111" in other and "粤B12345" not in other


@pytest.mark.parametrize("query, shown, hidden", [
    ("status=active", ["粤B12345"], ["粤B54321"]),
    ("status=inactive", ["粤B54321"], ["粤B12345"]),
    ("status=all", ["粤B12345", "粤B54321"], []),
    ("q=%E7%B2%A4b%C2%B712345", ["粤B12345"], ["粤B54321"]),  # 粤b·12345
    ("q=%E9%99%88", ["粤B12345"], []),  # 陈: the owner
])
def test_vehicle_filters(rows, desk_for, world, query, shown, hidden):
    body = desk_for("manager1").text(f"/gate/lists?site={world.site1}&{query}")
    section = body[body.index('id="vehicles"'):body.index('id="watch"')]
    assert all(p in section for p in shown) and not any(p in section for p in hidden)


def test_a_manager_sees_only_his_site_even_when_asking_for_another(rows, desk_for, world):
    body = desk_for("manager1").text(f"/gate/lists?site={world.site2}")
    assert "粤C11111" not in body and "粤B12345" in body and "该小区不在您的管辖范围内" in body


# --- vehicles ----------------------------------------------------------------------------

def test_adding_a_vehicle_normalises_its_plate_and_reaches_the_phones(app, rows, desk_for, world, phone):
    desk = desk_for("manager1")
    response = desk.post("/gate/vehicles/new", {"site_id": world.site1, "plate": " 粤b·88 888 ", "unit": "1-2-201",
                                                "owner_name": "林大海"})
    assert response.status_code == 302 and "#vehicles" in response.headers["Location"]
    with app.app_context():
        car = db.session.scalar(select(ResidentVehicle).where(ResidentVehicle.plate == "粤B88888"))
        assert car.site_id == world.site1 and car.owner_name == "林大海" and car.active
        unit_id = car.unit_id
    change = phone.changes()[("vehicle", car.id)]
    assert change["op"] == "upsert"
    assert change["data"]["plate"] == "粤B88888" and change["data"]["unit_id"] == unit_id
    assert change["data"]["owner_name"] == "林**"


def test_editing_a_vehicle_reaches_the_phones(app, rows, desk_for, phone):
    desk = desk_for("supervisor1")
    form = desk.text(f"/gate/vehicles/{rows['car']}")
    assert 'value="粤B12345"' in form and 'value="1-1-101"' in form and 'value="陈建国"' in form
    response = desk.post(f"/gate/vehicles/{rows['car']}", {"plate": "粤B12346", "unit": "1-1-102", "owner_name": ""})
    assert response.status_code == 302
    change = phone.changes()[("vehicle", rows["car"])]
    assert change["op"] == "upsert" and change["data"]["plate"] == "粤B12346"
    assert change["data"]["unit_code"] == "1-1-102" and change["data"]["owner_name"] == ""


def test_deactivating_a_vehicle_deletes_it_on_the_phones_and_it_can_come_back(app, rows, desk_for, phone):
    desk = desk_for("manager1")
    assert desk.post(f"/gate/vehicles/{rows['car']}/deactivate").status_code == 302
    assert phone.changes()[("vehicle", rows["car"])]["op"] == "delete"
    with app.app_context():
        row = db.session.get(ResidentVehicle, rows["car"])
        assert row is not None and row.active is False and row.deleted_at is None
    assert desk.post(f"/gate/vehicles/{rows['car']}/activate").status_code == 302
    assert phone.changes()[("vehicle", rows["car"])]["op"] == "upsert"


@pytest.mark.parametrize("form, field_error", [
    ({"plate": "", "unit": "1-1-101"}, "此项为必填项"),
    ({"plate": "ABC", "unit": "1-1-101"}, "“ABC”不是有效的车牌号"),
    ({"plate": "粤B12", "unit": "1-1-101"}, "不是有效的车牌号"),
    ({"plate": "粤B1234!", "unit": "1-1-101"}, "不是有效的车牌号"),
    ({"plate": "粤B99999", "unit": "9-9-999"}, "本小区没有房号 9-9-999"),
    ({"plate": "粤B99999", "unit": ""}, "此项为必填项"),
    ({"plate": "粤b·12345", "unit": "1-1-101"}, "车牌 粤B12345 已在本小区名单中"),
    ({"plate": "粤B54321", "unit": "1-1-101"}, "属于本小区一辆已停用的车辆"),
    ({"plate": "粤B99999", "unit": "1-1-101", "site_id": "{site2}"}, "不是有效的选择"),  # manager1 has site 1 only
])
def test_a_bad_vehicle_is_422_and_writes_nothing(app, rows, desk_for, world, form, field_error):
    before = table(app, ResidentVehicle, world.site1), table(app, ResidentVehicle, world.site2)
    data = {"site_id": world.site1, **form}
    data["site_id"] = data["site_id"].format(site2=world.site2)
    response = desk_for("manager1").post("/gate/vehicles/new", data)
    assert response.status_code == 422
    assert field_error in response.get_data(as_text=True)
    assert (table(app, ResidentVehicle, world.site1), table(app, ResidentVehicle, world.site2)) == before


def test_a_plate_of_site_1_may_also_be_listed_at_site_2(app, rows, desk_for, world):
    response = desk_for("supervisor1").post("/gate/vehicles/new", {"site_id": world.site2, "plate": "粤B12345",
                                                                    "unit": "1-1-101"})
    assert response.status_code == 302


def test_editing_onto_a_taken_plate_is_422(app, rows, desk_for, world):
    before = table(app, ResidentVehicle, world.site1)
    response = desk_for("manager1").post(f"/gate/vehicles/{rows['car']}", {"plate": "粤B54321", "unit": "1-1-101"})
    assert response.status_code == 422
    assert table(app, ResidentVehicle, world.site1) == before


# --- the watch list ----------------------------------------------------------------------

def test_adding_to_the_watch_list_reaches_the_phones_masked(app, rows, desk_for, world, phone):
    response = desk_for("manager1").post("/gate/watch/new", {
        "site_id": world.site1, "name": "孙八", "phone": "+86 135-0000-2222", "id_number": "11010119900107123x",
        "plate": "", "reason": "冒充快递员"})
    assert response.status_code == 302
    with app.app_context():
        entry = db.session.scalar(select(WatchEntry).where(WatchEntry.name == "孙八"))
        assert (entry.phone, entry.id_number, entry.plate) == ("13500002222", "11010119900107123X", None)
    change = phone.changes()[("watch", entry.id)]
    assert change["op"] == "upsert" and change["data"]["phone_masked"] == "135****2222"
    assert "13500002222" not in str(change)


def test_the_watch_form_never_shows_the_stored_numbers(rows, desk_for):
    body = desk_for("manager1").text(f"/gate/watch/{rows['watch']}")
    assert "赵六" in body and "多次尾随" in body and "139****1111" in body and "110101********1234" in body
    assert WATCH_PHONE not in body and WATCH_ID not in body


@pytest.mark.parametrize("extra, phone_after, id_after", [
    ({}, WATCH_PHONE, WATCH_ID),  # empty boxes keep the numbers
    ({"phone": "13600003333"}, "13600003333", WATCH_ID),
    ({"clear_phone": "y"}, None, WATCH_ID),
    ({"clear_id_number": "y", "phone": "13600003333"}, "13600003333", None),
])
def test_editing_a_watch_entry_keeps_or_replaces_the_numbers(app, rows, desk_for, phone, extra, phone_after,
                                                             id_after):
    form = {"name": "赵六", "plate": "粤B66666", "reason": "多次尾随，已报警", "phone": "", "id_number": "", **extra}
    assert desk_for("manager1").post(f"/gate/watch/{rows['watch']}", form).status_code == 302
    with app.app_context():
        entry = db.session.get(WatchEntry, rows["watch"])
        assert (entry.phone, entry.id_number, entry.reason) == (phone_after, id_after, "多次尾随，已报警")
    assert phone.changes()[("watch", rows["watch"])]["data"]["reason"] == "多次尾随，已报警"


def test_deactivating_a_watch_entry_deletes_it_on_the_phones(app, rows, desk_for, phone):
    desk = desk_for("manager1")
    assert desk.post(f"/gate/watch/{rows['watch']}/deactivate").status_code == 302
    assert phone.changes()[("watch", rows["watch"])]["op"] == "delete"
    body = desk.text("/gate/lists")
    assert "赵六" in body and "重新启用" in body


@pytest.mark.parametrize("form, message", [
    ({"name": "", "phone": "", "id_number": "", "plate": "", "reason": "可疑"}, "至少填写一项"),
    ({"name": "某人", "reason": ""}, "此项为必填项"),
    ({"name": "某人", "phone": "12-34", "reason": "可疑"}, "不是有效的电话号码"),
    ({"name": "某人", "phone": "1380000abcd", "reason": "可疑"}, "不是有效的电话号码"),
    ({"name": "某人", "id_number": "12#45678", "reason": "可疑"}, "不是有效的证件号"),
    ({"name": "某人", "plate": "粤", "reason": "可疑"}, "不是有效的车牌号"),
    ({"name": "某人", "reason": "可疑", "site_id": "{site2}"}, "不是有效的选择"),
])
def test_a_bad_watch_entry_is_422_and_writes_nothing(app, rows, desk_for, world, form, message):
    before = table(app, WatchEntry, world.site1), table(app, WatchEntry, world.site2)
    data = {"site_id": world.site1, **form}
    data["site_id"] = data["site_id"].format(site2=world.site2)
    response = desk_for("manager1").post("/gate/watch/new", data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert (table(app, WatchEntry, world.site1), table(app, WatchEntry, world.site2)) == before


def test_a_refused_watch_form_does_not_echo_the_numbers_typed(rows, desk_for, world):
    response = desk_for("manager1").post("/gate/watch/new", {"site_id": world.site1, "name": "某人",
                                                             "phone": "13588889999", "id_number": "110101198001039999",
                                                             "reason": ""})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "13588889999" not in body and "110101198001039999" not in body


# --- who may ------------------------------------------------------------------------------

@pytest.mark.parametrize("method, path", [
    ("GET", "/gate/vehicles/{car}"), ("POST", "/gate/vehicles/{car}"), ("POST", "/gate/vehicles/{car}/deactivate"),
    ("POST", "/gate/vehicles/{car}/activate"), ("GET", "/gate/watch/{watch}"), ("POST", "/gate/watch/{watch}"),
    ("POST", "/gate/watch/{watch}/deactivate"), ("POST", "/gate/watch/{watch}/activate"),
])
@pytest.mark.parametrize("username, status", [("manager2", 404), ("guard1", 403), ("cs1", 403)])
def test_others_may_not_touch_site_1s_lists(app, rows, desk_for, world, method, path, username, status):
    before = table(app, ResidentVehicle, world.site1), table(app, WatchEntry, world.site1)
    desk = desk_for(username)
    path = path.format(**rows)
    form = {"plate": "粤B00000", "unit": "1-1-101", "reason": "偷改", "name": "偷改"}
    response = desk.get(path) if method == "GET" else desk.post(path, form)
    assert response.status_code == status
    assert (table(app, ResidentVehicle, world.site1), table(app, WatchEntry, world.site1)) == before


@pytest.mark.parametrize("path, form", [
    ("/gate/vehicles/new", {"plate": "粤B00000", "unit": "1-1-101"}),
    ("/gate/watch/new", {"name": "偷", "reason": "偷"}),
])
def test_a_guard_may_not_add(app, rows, desk_for, world, path, form):
    before = table(app, ResidentVehicle, world.site1), table(app, WatchEntry, world.site1)
    response = desk_for("guard1").post(path, {"site_id": world.site1, **form})
    assert response.status_code == 403
    assert (table(app, ResidentVehicle, world.site1), table(app, WatchEntry, world.site1)) == before


def test_the_vehicles_register_as_a_file_with_the_pages_filters_and_never_the_watch_list(rows, desk_for, world):
    import csv
    import io

    import openpyxl
    desk = desk_for("manager1")
    assert "导出 Excel" in desk.text(f"/gate/lists?site={world.site1}")
    response = desk.get(f"/gate/lists?site={world.site1}&status=all&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    lines = [[c.value for c in row] for row in sheet.iter_rows()]
    assert lines[0] == ["车牌号", "房号", "车主姓名", "状态"]
    assert sorted(lines[1:]) == [["粤B12345", "1-1-101", "陈建国", "在用"], ["粤B54321", "1-1-101", "旧车", "已停用"]]
    text = desk.get(f"/gate/lists?site={world.site1}&format=csv").get_data().decode("utf-8")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert table[1:] == [["粤B12345", "1-1-101", "陈建国", "在用"]]  # active only, as the page by default
    for raw in (WATCH_PHONE, WATCH_ID, "赵六", "粤C11111"):
        assert raw not in text
