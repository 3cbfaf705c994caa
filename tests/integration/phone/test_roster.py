"""The gate roster reaches phones as ``vehicle``, ``watch`` and ``watch_filter`` rows, the
watch list masked and its full numbers only in one filter per site."""
import base64
import json
import random
import uuid

import pytest

from app.extensions import db
from app.models import Unit
from app.models.gate import ResidentVehicle
from app.models.gate import WatchEntry
from app.phone.watch_filter import may_hold
from sync.privacy import mask_name
from sync.privacy import mask_plate


@pytest.fixture()
def roster(app, world):
    with app.app_context():
        unit = db.session.query(Unit).filter_by(site_id=world.site1).first()
        car = ResidentVehicle(site_id=world.site1, plate="粤B·12345", unit_id=unit.id, owner_name="陈建国")
        watch = WatchEntry(site_id=world.site1, name="赵六", phone="+86 139 0000 1111",
                           id_number="110101199001061234", plate="粤B66666", reason="多次尾随")
        other = WatchEntry(site_id=world.site2, name="钱七", phone="13700000000", reason="别的小区")
        db.session.add_all([car, watch, other])
        db.session.commit()
        return {"car": car.id, "watch": watch.id, "other": other.id, "unit": unit.code}


def pull(api, username="guard1"):
    assert api.sign_in(username).status_code == 200
    changes, cursor = [], None
    for _ in range(20):
        response = api.post("/api/v1/sync", json={"device_id": api.device_id, "client_time": "2026-11-27T08:31:02.120+08:00",
                                                  "cursor": cursor, "pending": 0, "mutations": []})
        assert response.status_code == 200, response.json
        changes += response.json["changes"]
        cursor = response.json["cursor"]
        if not response.json["has_more"]:
            return changes
    raise AssertionError("the pull never ended")


def by_type(changes) -> dict:
    out = {}
    for change in changes:
        out.setdefault(change["type"], {})[change["id"]] = change
    return out


def test_vehicles_and_watch_entries_are_pulled_for_the_sites_of_the_user(api, roster, world):
    changes = by_type(pull(api))
    car = changes["vehicle"][roster["car"]]["data"]
    assert car["plate"] == "粤B12345"
    assert car["unit_code"] == roster["unit"]
    assert car["owner_name"] == "陈**"
    assert roster["other"] not in changes["watch"]
    watch = changes["watch"][roster["watch"]]["data"]
    assert watch == {"site_id": world.site1, "name": "赵六", "phone_masked": "139****1111",
                     "plate_masked": "粤B***66", "id_masked": "**************1234", "reason": "多次尾随"}
    assert set(changes["watch_filter"]) == {world.site1}


def test_the_pull_carries_no_salt_or_hash_of_any_entry(api, roster):
    """Nothing per entry a number can be worked back from: no salt, no hash, no full number."""
    raw = pull(api)
    for change in raw:
        if change["type"] == "watch":
            assert not {"salt", "phone_hash", "plate_hash", "id_hash"} & set(change["data"])
            assert not any("hash" in key for key in change["data"])
    text = json.dumps(raw, ensure_ascii=False)
    for secret in ("13900001111", "110101199001061234", "粤B66666"):
        assert secret not in text
    with_salt = [c for c in raw if "salt" in json.dumps(c.get("data", {}))]
    assert [c["type"] for c in with_salt] == ["watch_filter"]  # one per site, not per entry


def test_the_filter_answers_for_the_full_numbers_of_the_list(api, roster):
    row = next(c["data"] for c in pull(api) if c["type"] == "watch_filter")
    assert may_hold(row, "phone", "13900001111")
    assert may_hold(row, "id", "110101199001061234")
    assert may_hold(row, "plate", "粤B66666")
    assert not may_hold(row, "phone", "")
    bits = base64.b64decode(row["bits"])
    assert row["m"] >= 1024 and row["m"] & (row["m"] - 1) == 0 and len(bits) * 8 == row["m"]
    assert sum(bin(b).count("1") for b in bits) == row["m"] // 2  # half: 0.5^10 per wrong guess


def test_a_brute_force_over_a_masked_number_does_not_single_it_out(api, roster):
    """The row says 139****1111: of the 10^4 numbers that fit, the filter lets the true one
    through and about 10 others (1/1000 each), and nothing tells them apart."""
    row = next(c["data"] for c in pull(api) if c["type"] == "watch_filter")
    fits = [f"139{n:04d}1111" for n in range(10000)]
    passed = [number for number in fits if may_hold(row, "phone", number)]
    assert "13900001111" in passed
    assert len(passed) > 1, "the filter singles the number out"
    assert len(passed) < 60  # and still warns for about one visitor in a thousand only
    # A plate masked 粤B***66 leaves 34^3 plates: dozens pass.
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    plates = [f"粤B{a}{b}{c}66" for a in letters for b in letters for c in letters]
    assert sum(may_hold(row, "plate", plate) for plate in plates) > 5


def test_numbers_not_on_the_list_pass_about_once_in_a_thousand(api, roster):
    row = next(c["data"] for c in pull(api) if c["type"] == "watch_filter")
    rng = random.Random(7)
    tries = [f"1{rng.randint(3, 9)}{rng.randrange(10**9):09d}" for _ in range(20000)]
    passed = sum(may_hold(row, "phone", number) for number in tries if number != "13900001111")
    assert 2 <= passed <= 60  # expected about 19


def test_the_filter_is_the_same_whenever_it_is_rebuilt(app, api, roster):
    """A fresh salt at each rebuild would give a phone two independent filters, and the
    true number would be the one that passes both: the filter must not change unless the
    numbers do."""
    first = next(c["data"] for c in pull(api) if c["type"] == "watch_filter")
    with app.app_context():
        entry = db.session.get(WatchEntry, roster["watch"])
        entry.reason = "多次尾随进入小区"
        db.session.commit()
    again = type(api)(api.client, device_id=str(uuid.uuid4()))
    second = next(c["data"] for c in pull(again) if c["type"] == "watch_filter")
    assert second == first


def test_a_change_to_the_list_reaches_a_phone_as_a_new_filter(app, api, roster, world):
    """A phone that already holds the list gets the entry and its site's filter again."""
    assert api.sign_in("guard1").status_code == 200
    body = api.post("/api/v1/sync", json={"device_id": api.device_id, "client_time": "2026-11-27T08:31:02.120+08:00",
                                          "cursor": None, "pending": 0, "mutations": []}).json
    cursor = body["cursor"]
    with app.app_context():
        db.session.add(WatchEntry(site_id=world.site1, name="孙八", phone="13500002222", reason="冒充快递"))
        db.session.commit()
    body = api.post("/api/v1/sync", json={"device_id": api.device_id, "client_time": "2026-11-27T08:31:02.120+08:00",
                                          "cursor": cursor, "pending": 0, "mutations": []}).json
    kinds = [c["type"] for c in body["changes"]]
    assert kinds == ["watch", "watch_filter"]
    row = body["changes"][1]["data"]
    assert may_hold(row, "phone", "13500002222") and may_hold(row, "phone", "13900001111")


def test_a_deactivated_watch_entry_leaves_the_phones(app, api, roster):
    pull(api)
    with app.app_context():
        db.session.get(WatchEntry, roster["watch"]).active = False
        db.session.commit()
    phone = type(api)(api.client, device_id=str(uuid.uuid4()))
    changes = pull(phone)
    ops = {(c["type"], c["id"]): c["op"] for c in changes}
    assert ops[("watch", roster["watch"])] == "delete"
    row = next(c["data"] for c in changes if c["type"] == "watch_filter")
    assert row["m"] == 0 and not may_hold(row, "phone", "13900001111")  # the site's list is empty now


@pytest.mark.parametrize("name, masked", [("张三丰", "张**"), ("李", "*"), ("", ""), (None, "")])
def test_mask_name(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize("plate, masked", [("粤B12345", "粤B***45"), ("京A1", "***"), ("粤B1234", "粤***34")])
def test_mask_plate(plate, masked):
    assert mask_plate(plate) == masked
