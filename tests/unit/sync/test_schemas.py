"""Each mutation type's data: what is accepted, and the words for what is not."""
from decimal import Decimal

import pytest
from marshmallow import ValidationError

from sync import messages as m
from sync import schemas
from sync.schemas import flatten_errors

ID = "0b9e6a3c-1f6e-4c53-9a3e-2d8f3a9b6c11"


def errors_of(schema, data):
    try:
        schema().load(data)
    except ValidationError as err:
        return flatten_errors(err.messages)
    return {}


CHECK_IN = {"site_id": ID, "visitor_name": "王五", "purpose": "delivery", "party_size": 1}


@pytest.mark.parametrize("change, field, message", [
    ({"visitor_name": None}, "visitor_name", m.VISITOR_NAME_REQUIRED),
    ({"visitor_name": "   "}, "visitor_name", m.VISITOR_NAME_REQUIRED),
    ({"visitor_name": "王" * 61}, "visitor_name", m.TOO_LONG),
    ({"purpose": "shopping"}, "purpose", m.PURPOSE_INVALID),
    ({"party_size": 0}, "party_size", m.PARTY_SIZE_INVALID),
    ({"party_size": "2"}, "party_size", m.PARTY_SIZE_INVALID),
    ({"party_size": True}, "party_size", m.PARTY_SIZE_INVALID),
    ({"party_size": 100}, "party_size", m.PARTY_SIZE_INVALID),
    ({"site_id": "not-a-uuid"}, "site_id", m.NOT_AN_ID),
    ({"site_id": None}, "site_id", m.SITE_REQUIRED),
    ({"phone": "call me"}, "phone", m.PHONE_INVALID),
    ({"id_number": "11010119900101123*"}, "id_number", m.ID_NUMBER_INVALID),
])
def test_check_in_refusals(change, field, message):
    assert errors_of(schemas.VisitCheckInSchema, {**CHECK_IN, **change}) == {field: [message]}


def test_check_in_accepts_the_optional_fields_and_trims():
    loaded = schemas.VisitCheckInSchema().load({**CHECK_IN, "visitor_name": " 王五 ", "phone": "+86 138-1234-5678",
                                                "id_number": "11010119900115123X", "unit": "3-2-1101",
                                                "plate": "沪A12345", "extra": "ignored"})
    assert loaded["visitor_name"] == "王五"
    assert loaded["unit"] == "3-2-1101"
    assert "extra" not in loaded


def test_missing_required_fields_are_each_named():
    assert errors_of(schemas.VisitCheckInSchema, {}) == {
        "site_id": [m.SITE_REQUIRED], "visitor_name": [m.VISITOR_NAME_REQUIRED],
        "purpose": [m.PURPOSE_INVALID], "party_size": [m.PARTY_SIZE_INVALID]}


FINDING = {"patrol_id": ID, "category": "repair", "severity": "high", "description": "路灯不亮",
           "handled_on_spot": False}


@pytest.mark.parametrize("change, field, message", [
    ({"category": "noise"}, "category", m.CATEGORY_INVALID),
    ({"severity": "urgent"}, "severity", m.SEVERITY_INVALID),
    ({"handled_on_spot": "no"}, "handled_on_spot", m.HANDLED_REQUIRED),
    ({"handled_on_spot": None}, "handled_on_spot", m.HANDLED_REQUIRED),
    ({"description": ""}, "description", m.DESCRIPTION_REQUIRED),
    ({"photo_ids": [ID] * 10}, "photo_ids", m.TOO_MANY_PHOTOS),
    ({"photo_ids": "abc"}, "photo_ids", m.PHOTOS_INVALID),
    ({"photo_ids": ["abc"]}, "photo_ids.0", m.NOT_AN_ID),
    ({"patrol_id": None}, "patrol_id", m.PATROL_REQUIRED),
])
def test_finding_refusals(change, field, message):
    assert errors_of(schemas.PatrolFindingSchema, {**FINDING, **change}) == {field: [message]}


def test_finding_ids_are_lower_cased_and_photos_default_to_none():
    loaded = schemas.PatrolFindingSchema().load({**FINDING, "patrol_id": ID.upper()})
    assert loaded["patrol_id"] == ID and loaded["photo_ids"] == []


@pytest.mark.parametrize("location, ok", [
    ({"lat": 31.2, "lng": 121.5, "accuracy_m": 8}, True),
    ({"lat": 31.2, "lng": 121.5}, True),
    (None, True),
    ({"lat": 91, "lng": 121.5}, False),
    ({"lat": 31.2}, False),
    ({"lat": "x", "lng": 1}, False),
    ({"lat": 31.2, "lng": 121.5, "accuracy_m": -1}, False),
    ("here", False),
])
def test_checkpoint_location(location, ok):
    errors = errors_of(schemas.PatrolCheckpointSchema,
                       {"patrol_id": ID, "checkpoint_id": ID, "method": "qr", "location": location})
    assert (errors == {}) is ok
    if not ok:
        assert all(msgs == [m.LOCATION_INVALID] for msgs in errors.values())


def test_checkpoint_method_is_qr_or_manual():
    assert errors_of(schemas.PatrolCheckpointSchema, {"patrol_id": ID, "checkpoint_id": ID,
                                                      "method": "nfc"}) == {"method": [m.METHOD_INVALID]}


@pytest.mark.parametrize("counted, defective, field, message", [
    (-1, None, "counted_qty", m.QTY_INVALID),
    ("abc", None, "counted_qty", m.QTY_INVALID),
    (True, None, "counted_qty", m.QTY_INVALID),
    (None, None, "counted_qty", m.QTY_INVALID),
    (3, 4, "defective_qty", m.DEFECTIVE_TOO_MANY),
    (3, -1, "defective_qty", m.QTY_INVALID),
])
def test_count_refusals(counted, defective, field, message):
    data = {"check_id": ID, "item_id": ID, "counted_qty": counted, "defective_qty": defective}
    assert errors_of(schemas.StockCountSchema, data) == {field: [message]}


@pytest.mark.parametrize("given, expected", [(8, Decimal("8.000")), ("2.5", Decimal("2.500")),
                                             (0.1, Decimal("0.100")), (0, Decimal("0.000"))])
def test_count_quantities_are_exact_decimals(given, expected):
    loaded = schemas.StockCountSchema().load({"check_id": ID, "item_id": ID, "counted_qty": given})
    assert loaded["counted_qty"] == expected


@pytest.mark.parametrize("data, errors", [
    ({"base_version": 3, "status": "resolved"}, {}),
    ({"base_version": 3, "note": "已联系业主"}, {}),
    ({"base_version": 3}, {"status": [m.NOTHING_TO_CHANGE]}),
    ({"status": "resolved"}, {"base_version": [m.BASE_VERSION_REQUIRED]}),
    ({"base_version": 0, "status": "resolved"}, {"base_version": [m.BASE_VERSION_REQUIRED]}),
    ({"base_version": 3, "status": "done"}, {"status": [m.STATUS_INVALID]}),
    ({"base_version": 3, "assignee_id": "bob"}, {"assignee_id": [m.NOT_AN_ID]}),
])
def test_followup_update(data, errors):
    assert errors_of(schemas.FollowUpUpdateSchema, data) == errors


MUTATION = {"id": ID, "seq": 41, "type": "visit.check_in", "entity_id": ID, "user_id": ID,
            "at": "2026-11-27T07:52:10.004+08:00", "data": {}}


@pytest.mark.parametrize("change, field, message", [
    ({"at": "2026-11-27T07:52:10"}, "at", m.TIME_NO_ZONE),
    ({"at": "yesterday"}, "at", m.TIME_INVALID),
    ({"seq": -1}, "seq", m.SEQ_INVALID),
    ({"seq": "41"}, "seq", m.SEQ_INVALID),
    ({"entity_id": "a77c"}, "entity_id", m.NOT_AN_ID),
    ({"data": [1]}, "data", m.NOT_A_LIST),
])
def test_mutation_header_refusals(change, field, message):
    assert errors_of(schemas.MutationSchema, {**MUTATION, **change}) == {field: [message]}


def test_request_envelope_needs_device_clock_and_mutation_ids():
    errors = errors_of(schemas.SyncRequestSchema, {"device_id": "x", "client_time": "noon",
                                                   "mutations": [MUTATION, {"seq": 1}, "x"]})
    assert errors["device_id"] == [m.DEVICE_ID_INVALID]
    assert errors["client_time"] == [m.CLIENT_TIME_INVALID]
    assert errors["mutations.1.id"] == [m.MUTATION_ID_INVALID]
    assert "mutations.2" in errors


def test_request_envelope_defaults():
    loaded = schemas.SyncRequestSchema().load({"device_id": "6f1c0000-aaaa", "client_time": MUTATION["at"]})
    assert loaded["mutations"] == [] and loaded["pending"] == 0 and loaded["cursor"] is None


def test_every_message_is_an_english_msgid_with_a_chinese_translation():
    from pathlib import Path

    from babel.messages.pofile import read_po

    po = Path(__file__).resolve().parents[3] / "app" / "translations" / "zh_CN" / "parts" / "sync.po"
    with po.open("rb") as fh:
        catalog = {msg.id: msg.string for msg in read_po(fh) if msg.id}
    for name, value in vars(m).items():
        if name.isupper() and isinstance(value, str):
            assert catalog.get(value), f"{name} has no Chinese translation"


def test_a_mutation_that_is_not_an_object_is_named():
    errors = errors_of(schemas.SyncRequestSchema, {"device_id": "6f1c0000-aaaa",
                                                   "client_time": MUTATION["at"], "mutations": ["x"]})
    assert errors == {"mutations.0": [m.MUTATIONS_INVALID]}
