"""Rented units on the gate phones: let or not, registered or not, how many tenants; no
names; a household that moved out leaves the phones."""
import pytest

from app.extensions import db
from app.models.frontdesk import RentalHousehold


def test_a_guard_pulls_the_rented_units_lived_in_without_names(households, puller):
    changes = puller("guard1").changes()
    rentals = {ident: c for (kind, ident), c in changes.items() if kind == "rental"}
    live = {ident for ident, c in rentals.items() if c["op"] == "upsert"}
    assert live == {households[k] for k in ("a", "b", "c", "d")}
    assert rentals[households["gone"]]["op"] == "delete"  # moved out
    b = rentals[households["b"]]["data"]
    assert b == {"site_id": b["site_id"], "unit_id": b["unit_id"], "unit_code": "1-1-102", "tenant_count": 2,
                 "registered": True, "informed": True}
    assert rentals[households["c"]]["data"]["registered"] is False
    for name in ("王租户", "刘一", "孙未登", "周未知"):
        assert name not in str(rentals)


def test_moving_out_takes_the_unit_off_the_phones(app, households, puller):
    phone = puller("guard1")
    phone.changes()
    cursor = phone.push().json["cursor"]
    with app.app_context():
        row = db.session.get(RentalHousehold, households["a"])
        row.moved_out_on = row.move_in_on
        db.session.commit()
    assert phone.changes(cursor)[("rental", households["a"])]["op"] == "delete"


@pytest.mark.parametrize("username", ["repair1", "clean1", "store1"])
def test_people_who_keep_no_gate_get_no_rented_units(households, puller, username):
    assert not [k for k in puller(username).changes() if k[0] == "rental"]
