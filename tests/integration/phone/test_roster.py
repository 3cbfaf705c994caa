"""The gate roster reaches phones as ``vehicle`` and ``watch`` rows, the watch list masked."""
import hashlib
import uuid

import pytest

from app.extensions import db
from app.models import Unit
from app.models.gate import ResidentVehicle
from app.models.gate import WatchEntry
from sync.privacy import mask_name
from sync.privacy import mask_plate


@pytest.fixture()
def roster(app, world):
    with app.app_context():
        unit = db.session.query(Unit).filter_by(site_id=world.site1).first()
        car = ResidentVehicle(site_id=world.site1, plate="粤B·12345", unit_id=unit.id, owner_name="陈建国")
        watch = WatchEntry(site_id=world.site1, name="赵六", phone="+86 139 0000 1111",
                           id_number="110101199003071234", plate="粤B66666", reason="多次尾随")
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


def test_vehicles_and_watch_entries_are_pulled_for_the_sites_of_the_user(api, roster):
    changes = pull(api)
    by_type = {}
    for change in changes:
        by_type.setdefault(change["type"], {})[change["id"]] = change
    car = by_type["vehicle"][roster["car"]]["data"]
    assert car["plate"] == "粤B12345"
    assert car["unit_code"] == roster["unit"]
    assert car["owner_name"] == "陈**"
    assert roster["other"] not in by_type["watch"]
    watch = by_type["watch"][roster["watch"]]["data"]
    assert watch["name"] == "赵六"
    assert watch["phone_masked"] == "139****1111"
    salt = watch["salt"]
    assert watch["phone_hash"] == hashlib.sha256(f"{salt}:13900001111".encode()).hexdigest()
    assert watch["plate_hash"] == hashlib.sha256(f"{salt}:粤B66666".encode()).hexdigest()
    assert watch["id_hash"] == hashlib.sha256(f"{salt}:110101199003071234".encode()).hexdigest()
    text = str(changes)
    assert "13900001111" not in text
    assert "110101199003071234" not in text


def test_a_deactivated_watch_entry_leaves_the_phones(app, api, roster):
    pull(api)
    with app.app_context():
        db.session.get(WatchEntry, roster["watch"]).active = False
        db.session.commit()
    phone = type(api)(api.client, device_id=str(uuid.uuid4()))
    ops = {(c["type"], c["id"]): c["op"] for c in pull(phone)}
    assert ops[("watch", roster["watch"])] == "delete"


@pytest.mark.parametrize("name, masked", [("张三丰", "张**"), ("李", "*"), ("", ""), (None, "")])
def test_mask_name(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize("plate, masked", [("粤B12345", "粤B***45"), ("京A1", "***"), ("粤B1234", "粤***34")])
def test_mask_plate(plate, masked):
    assert mask_plate(plate) == masked
