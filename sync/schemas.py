"""Marshmallow schemas for the push envelope and for each mutation type's ``data``.

Every message is an English msgid from ``messages.py`` written for the person who
recorded the thing ("Please enter the visitor's name."), never marshmallow's defaults.
The same schemas feed the published OpenAPI document.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from decimal import InvalidOperation
from typing import Any

from marshmallow import EXCLUDE
from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import post_load
from marshmallow import validate
from marshmallow import validates_schema

from sync import id_numbers
from sync import manager_reports
from sync import monthly_checklist
from sync import meeting_rules
from sync import messages as m

DAY_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
UUID_RE = re.compile(r"\A[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
DEVICE_ID_RE = re.compile(r"\A[A-Za-z0-9-]{8,64}\Z")
# Shapes the phone checks too (``sync.form_rules`` publishes them): written so that
# ``re.fullmatch`` here and ``new RegExp(`^(?:${p})$`)`` there mean the same.
FORMATS = {"phone": r"\+?[0-9][0-9 -]{2,19}", "id_number": r"[0-9A-Za-z]{5,32}"}
PHONE_RE = re.compile(FORMATS["phone"])
ID_NUMBER_RE = re.compile(FORMATS["id_number"])

PURPOSES = ("visit", "delivery", "contractor", "decoration", "housekeeping", "other")
CATEGORIES = ("security", "cleaning", "repair", "greenery", "fire", "parking", "other")
SEVERITIES = ("low", "medium", "high")
METHODS = ("qr", "manual")
STATUSES = ("open", "in_progress", "resolved", "closed")
COMPLAINT_KINDS = ("valid", "assisted", "invalid", "collective")
# How a complaint came in: 面谈, 电话, 书面, 邮件, the 24-hour hotline, the developer's centre.
CHANNELS = ("in_person", "phone", "written", "email", "hotline", "developer")
REPLY_STAGES = ("contact", "reply", "report_back", "event_report")
REPLY_METHODS = ("phone", "visit", "written")
SATISFACTION = ("satisfied", "basically", "unsatisfied")
MAX_MERGED = 200
COLLECTIVE_HOUSEHOLDS = 5
URGENCIES = ("urgent", "normal", "low")
REPAIR_CHANNELS = ("in_person", "phone", "other")
MAX_MATERIALS = 20
MAX_PHOTOS = 9
MAX_QTY = Decimal("99999999999")


class Text(fields.String):
    """Trimmed text; blank counts as missing; too long is refused in plain words."""

    def __init__(self, max_length: int, *, required_message: str = m.REQUIRED, **kwargs: Any):
        self.max_length = max_length
        kwargs.setdefault("allow_none", not kwargs.get("required", False))
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"] = {"required": required_message, "null": required_message,
                                    "invalid": m.NOT_TEXT, "blank": required_message,
                                    **kwargs["error_messages"]}
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text:
            if self.required:
                raise self.make_error("blank")
            return None
        if len(text) > self.max_length:
            raise ValidationError(m.TOO_LONG)
        return text


class Ref(fields.String):
    """A UUID naming an entity, normalised to lower case."""

    def __init__(self, *, required_message: str = m.NOT_AN_ID, **kwargs: Any):
        kwargs.setdefault("allow_none", not kwargs.get("required", False))
        kwargs["error_messages"] = {"required": required_message, "null": required_message,
                                    "invalid": m.NOT_AN_ID, "bad_id": m.NOT_AN_ID}
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not UUID_RE.match(text):
            raise self.make_error("bad_id")
        return text.lower()


class Choice(fields.String):
    """One of a fixed vocabulary; anything else gets ``message``."""

    def __init__(self, choices: tuple[str, ...], message: str, **kwargs: Any):
        self.choices = choices
        kwargs.setdefault("allow_none", not kwargs.get("required", False))
        kwargs["error_messages"] = {"required": message, "null": message, "invalid": message,
                                    "choice": message}
        super().__init__(**kwargs)
        self.metadata.setdefault("enum", list(choices))

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if text not in self.choices:
            raise self.make_error("choice")
        return text


class Moment(fields.AwareDateTime):
    """An ISO 8601 time with its offset; a time without a zone cannot be placed."""

    def __init__(self, message: str = m.TIME_INVALID, **kwargs: Any):
        kwargs.setdefault("allow_none", not kwargs.get("required", False))
        kwargs["error_messages"] = {"required": message, "null": message, "invalid": message,
                                    "invalid_awareness": m.TIME_NO_ZONE, "format": message}
        super().__init__(format="iso", **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        # Years a phone can really be in; year 1 or 9999 with an offset overflows on the way to UTC.
        if moment is not None and not 2000 <= moment.year <= 2200:
            raise self.make_error("invalid")
        return moment


class Count(fields.Integer):
    """A whole number within ``[low, high]``, strictly an integer (no "3", no 3.5)."""

    def __init__(self, low: int, high: int, message: str, **kwargs: Any):
        self.low, self.high = low, high
        kwargs.setdefault("allow_none", not kwargs.get("required", False))
        kwargs["error_messages"] = {"required": message, "null": message, "invalid": message,
                                    "too_large": message, "range": message}
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        number = super()._deserialize(value, attr, data, **kwargs)
        if not self.low <= number <= self.high:
            raise self.make_error("range")
        return number


class Quantity(fields.Field):
    """A stock quantity: 0 or more, at most three decimals; numbers or numeric strings."""

    def __init__(self, message: str = m.QTY_INVALID, **kwargs: Any):
        kwargs.setdefault("allow_none", not kwargs.get("required", False))
        kwargs["error_messages"] = {"required": message, "null": message, "invalid": message}
        super().__init__(**kwargs)
        self.metadata.setdefault("type", "number")

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise self.make_error("invalid")
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation as error:
            raise self.make_error("invalid") from error
        if not number.is_finite() or number < 0 or number > MAX_QTY:
            raise self.make_error("invalid")
        return number.quantize(Decimal("0.001"))

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value)


class YesNo(fields.Boolean):
    """Strictly ``true`` or ``false``."""

    def __init__(self, message: str = m.NOT_YES_NO, **kwargs: Any):
        kwargs.setdefault("allow_none", not kwargs.get("required", False))
        kwargs["error_messages"] = {"required": message, "null": message, "invalid": message}
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def photo_list() -> fields.List:
    return fields.List(
        Ref(required=True), load_default=list, allow_none=False,
        validate=validate.Length(max=MAX_PHOTOS, error=m.TOO_MANY_PHOTOS),
        error_messages={"invalid": m.PHOTOS_INVALID, "null": m.PHOTOS_INVALID},
    )


class DataSchema(Schema):
    """Base for mutation data: unknown keys are ignored (a newer app may send more)."""

    class Meta:
        unknown = EXCLUDE

    error_messages = {"type": m.NOT_A_LIST, "unknown": m.UNKNOWN_FIELD}


# -- gate ------------------------------------------------------------------------------

class VisitCheckInSchema(DataSchema):
    """``visit.check_in``: a visitor registered at the gate (外来人员登记)."""

    site_id = Ref(required=True, required_message=m.SITE_REQUIRED)
    visitor_name = Text(60, required=True, required_message=m.VISITOR_NAME_REQUIRED)
    purpose = Choice(PURPOSES, m.PURPOSE_INVALID, required=True)
    party_size = Count(1, 99, m.PARTY_SIZE_INVALID, required=True)
    phone = Text(20, metadata={"format": "phone"})
    id_kind = Choice(id_numbers.KINDS, m.ID_KIND_INVALID)
    id_number = Text(32, metadata={"format": "id_number"})
    unit = Text(32)
    host_name = Text(60)
    plate = Text(16)
    note = Text(500)
    permit_id = Ref()

    @validates_schema
    def _patterns(self, data, **kwargs):
        errors = {}
        if data.get("phone") and not PHONE_RE.fullmatch(data["phone"]):
            errors["phone"] = [m.PHONE_INVALID]
        problem = id_number_problem(data.get("id_kind"), data.get("id_number"))
        if problem:
            errors["id_number"] = [problem]
        if errors:
            raise ValidationError(errors)


def id_number_problem(kind: str | None, number: str | None) -> str | None:
    """What is wrong with a visitor's document number for the kind chosen, if anything.

    ``static/js/lib/rules.js`` (``idNumberProblem``) is the phone's copy of this rule.
    """
    if not number:
        return None
    if kind == "none":
        return m.ID_WITH_NO_DOCUMENT
    if id_numbers.has_check(number):
        return None if id_numbers.check_holds(number) else m.ID_CHECK_FAILED
    if kind == "resident":
        return m.ID_NOT_RESIDENT
    return None if ID_NUMBER_RE.fullmatch(number) else m.ID_NUMBER_INVALID


class EmptySchema(DataSchema):
    """Mutations whose entity says it all (``visit.check_out``, ``stock.check_finish``)."""


class VisitFlagSchema(DataSchema):
    """``visit.flag``: a suspicious person reported (可疑人员)."""

    site_id = Ref(required=True, required_message=m.SITE_REQUIRED)
    description = Text(1000, required=True, required_message=m.DESCRIPTION_REQUIRED)
    visit_id = Ref()
    photo_ids = photo_list()


# -- patrols ---------------------------------------------------------------------------

class PatrolStartSchema(DataSchema):
    """``patrol.start``: a round begins, on a route or free."""

    site_id = Ref(required=True, required_message=m.SITE_REQUIRED)
    route_id = Ref()


_LOCATION_ERRORS = {key: m.LOCATION_INVALID
                    for key in ("required", "invalid", "null", "special", "validator_failed")}


class LocationSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    error_messages = {"type": m.LOCATION_INVALID}
    lat = fields.Float(required=True, allow_nan=False, validate=validate.Range(-90, 90, error=m.LOCATION_INVALID),
                       error_messages=_LOCATION_ERRORS)
    lng = fields.Float(required=True, allow_nan=False,
                       validate=validate.Range(-180, 180, error=m.LOCATION_INVALID),
                       error_messages=_LOCATION_ERRORS)
    accuracy_m = fields.Float(allow_none=True, allow_nan=False,
                              validate=validate.Range(min=0, error=m.LOCATION_INVALID),
                              error_messages=_LOCATION_ERRORS)


class PatrolCheckpointSchema(DataSchema):
    """``patrol.checkpoint``: a checkpoint reached, by its QR code or by hand."""

    patrol_id = Ref(required=True, required_message=m.PATROL_REQUIRED)
    checkpoint_id = Ref(required=True, required_message=m.CHECKPOINT_REQUIRED)
    method = Choice(METHODS, m.METHOD_INVALID, required=True)
    location = fields.Nested(LocationSchema, allow_none=True,
                             error_messages={"type": m.LOCATION_INVALID, "null": m.LOCATION_INVALID})


class PatrolFindingSchema(DataSchema):
    """``patrol.finding``: a problem seen on a round (发现的问题)."""

    patrol_id = Ref(required=True, required_message=m.PATROL_REQUIRED)
    category = Choice(CATEGORIES, m.CATEGORY_INVALID, required=True)
    severity = Choice(SEVERITIES, m.SEVERITY_INVALID, required=True)
    description = Text(1000, required=True, required_message=m.DESCRIPTION_REQUIRED)
    handled_on_spot = YesNo(m.HANDLED_REQUIRED, required=True)
    action_taken = Text(1000)
    checkpoint_id = Ref()
    permit_id = Ref()
    photo_ids = photo_list()


class PatrolEndSchema(DataSchema):
    """``patrol.end``: the round is over."""

    notes = Text(2000)


# -- stock -----------------------------------------------------------------------------

class StockCheckStartSchema(DataSchema):
    """``stock.check_start``: a spot check of a site's store begins (库存抽查)."""

    site_id = Ref(required=True, required_message=m.SITE_REQUIRED)
    store_id = Ref()


class StockCountSchema(DataSchema):
    """``stock.count``: one item counted; defective pieces feed the material feedback."""

    check_id = Ref(required=True, required_message=m.CHECK_REQUIRED)
    item_id = Ref(required=True, required_message=m.ITEM_REQUIRED)
    counted_qty = Quantity(required=True)
    defective_qty = Quantity()
    note = Text(500)

    @validates_schema
    def _defective_within_count(self, data, **kwargs):
        defective, counted = data.get("defective_qty"), data.get("counted_qty")
        if defective is not None and counted is not None and defective > counted:
            raise ValidationError({"defective_qty": [m.DEFECTIVE_TOO_MANY]})


# -- shifts on a post's phone ----------------------------------------------------------

class ShiftStartSchema(DataSchema):
    """``shift.start``: a person starts a shift on a post's phone (PIN checked there)."""

    site_id = Ref(required=True, required_message=m.SITE_REQUIRED)


class ShiftEndSchema(DataSchema):
    """``shift.end``: the shift is handed over, with what the next person should know."""

    handover_note = Text(1000)
    inside_count = Count(0, 100000, m.INSIDE_COUNT_INVALID)


# -- attendance and the work log ------------------------------------------------------

class AttendanceSignInSchema(DataSchema):
    """``attendance.sign_in``: a person signs in for the day (签到); the time is the mutation's."""

    site_id = Ref(required=True, required_message=m.SITE_REQUIRED)
    uniform = YesNo(m.UNIFORM_REQUIRED, required=True)


class AttendanceSignOutSchema(DataSchema):
    """``attendance.sign_out``: a person signs out at the end of the day (签退)."""

    site_id = Ref(required=True, required_message=m.SITE_REQUIRED)


class WorklogDay(fields.String):
    """A calendar day ``YYYY-MM-DD`` (a day in the site's zone), kept as that text."""

    def __init__(self, *, message: str = m.WORKLOG_DAY_INVALID, **kwargs: Any):
        kwargs["error_messages"] = {"required": message, "null": message, "invalid": message}
        super().__init__(**kwargs)
        self.metadata.setdefault("format", "date")

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not DAY_RE.fullmatch(text):
            raise self.make_error("invalid")
        try:
            date.fromisoformat(text)
        except ValueError:
            raise self.make_error("invalid") from None
        return text


class WorklogNoteSchema(DataSchema):
    """``worklog.note``: a free note appended to a person's day (《个人工作日志》)."""

    site_id = Ref(required=True, required_message=m.SITE_REQUIRED)
    day = WorklogDay(required=True)
    text = Text(2000, required=True, required_message=m.WORKLOG_NOTE_REQUIRED)


# -- repairs ---------------------------------------------------------------------------

class RepairCreateSchema(DataSchema):
    """``repair.create``: an owner's repair request taken at the desk or by phone (报修)."""

    site_id = Ref(required=True, required_message=m.SITE_REQUIRED)
    description = Text(2000, required=True, required_message=m.REPAIR_DESCRIPTION_REQUIRED)
    urgency = Choice(URGENCIES, m.URGENCY_INVALID, required=True)
    channel = Choice(REPAIR_CHANNELS, m.REPAIR_CHANNEL_INVALID, required=True)
    unit = Text(32)
    owner_name = Text(60)
    owner_phone = Text(20, metadata={"format": "phone"})
    photo_ids = photo_list()

    @validates_schema(skip_on_field_errors=False)  # the desk's form shows every mistake at once
    def _phone(self, data, **kwargs):
        if data.get("owner_phone") and not PHONE_RE.fullmatch(data["owner_phone"]):
            raise ValidationError({"owner_phone": [m.PHONE_INVALID]})


class MaterialSchema(Schema):
    """One material taken from the site's store for a repair."""

    class Meta:
        unknown = EXCLUDE

    error_messages = {"type": m.MATERIALS_INVALID}
    item_id = Ref(required=True, required_message=m.ITEM_REQUIRED)
    quantity = Quantity(m.MATERIAL_QTY_INVALID, required=True)

    @validates_schema
    def _some(self, data, **kwargs):
        if data.get("quantity") is not None and data["quantity"] <= 0:
            raise ValidationError({"quantity": [m.MATERIAL_QTY_INVALID]})


class RepairWorkSchema(DataSchema):
    """``repair.work``: one visit of a repair worker to an order: times, work, materials, photos."""

    repair_id = Ref(required=True, required_message=m.REPAIR_REQUIRED)
    started_at = Moment(m.STARTED_AT_INVALID, required=True)
    finished_at = Moment(m.FINISHED_AT_INVALID, required=True)
    work_done = Text(2000, required=True, required_message=m.WORK_DONE_REQUIRED)
    materials = fields.List(
        fields.Nested(MaterialSchema), load_default=list, allow_none=False,
        validate=validate.Length(max=MAX_MATERIALS, error=m.TOO_MANY_MATERIALS),
        error_messages={"invalid": m.MATERIALS_INVALID, "null": m.MATERIALS_INVALID})
    before_photo_ids = photo_list()
    after_photo_ids = photo_list()

    @validates_schema
    def _rules(self, data, **kwargs):
        errors = {}
        started, finished = data.get("started_at"), data.get("finished_at")
        if started is not None and finished is not None and finished < started:
            errors["finished_at"] = [m.FINISHED_BEFORE_STARTED]
        items = [row.get("item_id") for row in data.get("materials") or []]
        if len(items) != len(set(items)):
            errors["materials"] = [m.MATERIAL_TWICE]
        if errors:
            raise ValidationError(errors)


class RepairSignoffSchema(DataSchema):
    """``repair.signoff``: the owner's opinion of the work, and their signature (业主签字)."""

    satisfaction = Choice(SATISFACTION, m.SATISFACTION_INVALID, required=True)
    opinion = Text(1000)
    signed_by = Text(60)
    signature_photo_id = Ref()


# -- complaints ------------------------------------------------------------------------

class ComplaintCreateSchema(DataSchema):
    """``complaint.create``: an owner's complaint taken by customer service (业户投诉)."""

    site_id = Ref(required=True, required_message=m.SITE_REQUIRED)
    kind = Choice(COMPLAINT_KINDS, m.COMPLAINT_KIND_INVALID, required=True)
    description = Text(2000, required=True, required_message=m.COMPLAINT_REQUIRED)
    channel = Choice(CHANNELS, m.CHANNEL_INVALID, required=True)
    unit = Text(32)
    owner_name = Text(60)
    owner_phone = Text(20)
    households = Count(1, 100000, m.HOUSEHOLDS_INVALID, load_default=1)
    category = Choice(CATEGORIES, m.CATEGORY_INVALID)
    photo_ids = photo_list()
    repeat_of = Ref()
    # The desk merging complaints into one collective event (集体投诉事件): their ids.
    merged_ids = fields.List(Ref(required=True), load_default=list, allow_none=False,
                             validate=validate.Length(max=MAX_MERGED, error=m.TOO_MANY_MERGED))

    @validates_schema
    def _rules(self, data, **kwargs):
        errors = {}
        if data.get("merged_ids") and data.get("kind") != "collective":
            errors["merged_ids"] = [m.MERGE_ONLY_COLLECTIVE]
        if data.get("owner_phone") and not PHONE_RE.fullmatch(data["owner_phone"]):
            errors["owner_phone"] = [m.PHONE_INVALID]
        households = data.get("households")
        if (data.get("kind") == "collective" and households is not None
                and households < COLLECTIVE_HOUSEHOLDS):
            errors["households"] = [m.COLLECTIVE_TOO_FEW]
        if errors:
            raise ValidationError(errors)


class ComplaintClassifySchema(DataSchema):
    """``complaint.classify``: the desk's class for a complaint (entity: the complaint)."""

    kind = Choice(COMPLAINT_KINDS, m.COMPLAINT_KIND_INVALID, required=True)
    category = Choice(CATEGORIES, m.CATEGORY_INVALID)
    common_interest = YesNo()
    households = Count(1, 100000, m.HOUSEHOLDS_INVALID)

    @validates_schema
    def _rules(self, data, **kwargs):
        if (data.get("kind") == "collective" and data.get("households") is not None
                and data["households"] < COLLECTIVE_HOUSEHOLDS):
            raise ValidationError({"households": [m.COLLECTIVE_TOO_FEW]})


class ComplaintReplySchema(DataSchema):
    """``complaint.reply``: a contact with the owner, the reply, or the report back to the
    developer's centre, as 《客户投诉记录表》 keeps it (entity: the reply)."""

    complaint_id = Ref(required=True, required_message=m.COMPLAINT_MISSING)
    stage = Choice(REPLY_STAGES, m.REPLY_STAGE_INVALID, required=True)
    method = Choice(REPLY_METHODS, m.REPLY_METHOD_INVALID, required=True)
    said = Text(2000, required=True, required_message=m.REPLY_SAID_REQUIRED)
    owner_opinion = Text(1000)
    satisfaction = Choice(SATISFACTION, m.SATISFACTION_INVALID)
    agreed_reply_at = Moment()
    photo_ids = photo_list()

    @validates_schema
    def _rules(self, data, **kwargs):
        if data.get("agreed_reply_at") is not None and data.get("stage") != "contact":
            raise ValidationError({"agreed_reply_at": [m.AGREED_ONLY_ON_CONTACT]})


# -- follow-ups ------------------------------------------------------------------------

class FollowUpUpdateSchema(DataSchema):
    """``followup.update``: a status change, a note or a new owner, based on a version."""

    base_version = Count(1, 2**31 - 1, m.BASE_VERSION_REQUIRED, required=True)
    status = Choice(STATUSES, m.STATUS_INVALID)
    note = Text(2000)
    assignee_id = Ref()
    due_at = Moment()

    @validates_schema
    def _something(self, data, **kwargs):
        if not any(data.get(key) for key in ("status", "note", "assignee_id", "due_at")):
            raise ValidationError({"status": [m.NOTHING_TO_CHANGE]})


# -- the envelope ----------------------------------------------------------------------

class MutationSchema(Schema):
    """A mutation's header; ``data`` is checked by the schema of its ``type``."""

    class Meta:
        unknown = EXCLUDE

    id = Ref(required=True, required_message=m.MUTATION_ID_INVALID)
    seq = Count(0, 2**53, m.SEQ_INVALID, required=True)
    type = Text(40, required=True, required_message=m.UNKNOWN_TYPE)
    entity_id = Ref(required=True)
    user_id = Text(36, required=True)
    at = Moment(required=True)
    data = fields.Dict(load_default=dict, allow_none=True,
                       error_messages={"invalid": m.NOT_A_LIST})


class SyncRequestSchema(Schema):
    """``POST /api/v1/sync``: the push envelope; mutations are checked one by one."""

    class Meta:
        unknown = EXCLUDE

    device_id = fields.String(required=True,
                              validate=validate.Regexp(DEVICE_ID_RE, error=m.DEVICE_ID_INVALID),
                              error_messages={"required": m.DEVICE_ID_INVALID, "null": m.DEVICE_ID_INVALID,
                                              "invalid": m.DEVICE_ID_INVALID,
                                              "validator_failed": m.DEVICE_ID_INVALID})
    client_time = Moment(m.CLIENT_TIME_INVALID, required=True)
    cursor = fields.String(load_default=None, allow_none=True,
                           validate=validate.Length(max=64, error=m.CURSOR_INVALID),
                           error_messages={"invalid": m.CURSOR_INVALID,
                                           "validator_failed": m.CURSOR_INVALID})
    pending = Count(0, 10**9, m.PENDING_INVALID, load_default=0)
    mutations = fields.List(fields.Dict(error_messages={"invalid": m.MUTATIONS_INVALID}),
                            load_default=list,
                            error_messages={"invalid": m.MUTATIONS_INVALID, "null": m.MUTATIONS_INVALID})

    @validates_schema(skip_on_field_errors=False)
    def _mutation_ids(self, data, **kwargs):
        errors: dict[str, Any] = {}
        mutations = data.get("mutations")
        for index, raw in enumerate(mutations if isinstance(mutations, list) else []):
            if not isinstance(raw, dict):
                continue
            ident = raw.get("id")
            if not isinstance(ident, str) or not UUID_RE.match(ident.strip()):
                errors[str(index)] = {"id": [m.MUTATION_ID_INVALID]}
        if errors:
            raise ValidationError({"mutations": errors})

    @post_load
    def _pending_null(self, data, **kwargs):
        """``"pending": null`` says no more than leaving it out: 0."""
        if data.get("pending") is None:
            data["pending"] = 0
        return data


class ResultSchema(Schema):
    """One answer per mutation, in request order."""

    id = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": ["applied", "duplicate", "deferred", "rejected"]})
    entity_id = fields.String()
    waiting_for = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    code = fields.String()
    conflict = fields.Dict()


class ChangeSchema(Schema):
    """One row the phone should hold (``upsert``) or drop (``delete``)."""

    type = fields.String(required=True)
    id = fields.String(required=True)
    op = fields.String(required=True, metadata={"enum": ["upsert", "delete"]})
    version = fields.Integer(required=True)
    data = fields.Dict()


class SyncResponseSchema(Schema):
    server_time = fields.String(required=True)
    results = fields.List(fields.Nested(ResultSchema), required=True)
    changes = fields.List(fields.Nested(ChangeSchema), required=True)
    cursor = fields.String(required=True)
    has_more = fields.Boolean(required=True)
    results_minimal = fields.Boolean(metadata={
        "description": "present (true) when the request said `Prefer: return=minimal`: `results` "
                       "then lists only the mutations not applied exactly as sent"})


def flatten_errors(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """Marshmallow's nested errors as ``{"location.lat": ["..."]}``, messages deduplicated."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for field, msgs in flatten_errors(value, name).items():
                bucket = flat.setdefault(field, [])
                bucket.extend(msg for msg in msgs if msg not in bucket)
    elif isinstance(errors, (list, tuple)):
        strings = [str(e) for e in errors if isinstance(e, str)]
        if strings:
            flat[prefix or "_schema"] = strings
        for item in errors:
            if isinstance(item, dict):
                for field, msgs in flatten_errors(item, prefix).items():
                    flat.setdefault(field, []).extend(msgs)
    else:
        flat[prefix or "_schema"] = [str(errors)]
    return flat


# -- staff inspections (书面考核) ---------------------------------------------------------

class InspectionRecordSchema(DataSchema):
    """``inspection.record``: a written inspection of a person (《服务过程检验单》); the
    checklist maps each item of the person's post to ok (``true``) or not ok (``false``)."""

    site_id = Ref(required=True, required_message=m.SITE_REQUIRED)
    person_id = Ref(required=True, required_message=m.INSPECTION_PERSON_REQUIRED)
    checklist = fields.Dict(keys=fields.String(), values=fields.Raw(), required=True,
                            error_messages={"required": m.INSPECTION_CHECKLIST_INVALID,
                                            "null": m.INSPECTION_CHECKLIST_INVALID,
                                            "invalid": m.INSPECTION_CHECKLIST_INVALID})
    score = Count(0, 100, m.INSPECTION_SCORE_INVALID, required=True)
    notes = Text(2000)


# -- managers' reports (日清 / 周总结) and the monthly checklist ----------------------------

class ReportSubmitSchema(DataSchema):
    """``report.submit``: a daily report (日清) of a day, or a weekly summary (周总结) of
    the week named by its Monday."""

    site_id = Ref(required=True, required_message=m.SITE_REQUIRED)
    kind = Choice(manager_reports.KINDS, m.REPORT_KIND_INVALID, required=True)
    period = WorklogDay(required=True, message=m.REPORT_PERIOD_INVALID)
    done = Text(4000, required=True, required_message=m.REPORT_DONE_REQUIRED)
    open_items = Text(4000)
    plan = Text(4000)


class ChecklistSignSchema(DataSchema):
    """``checklist.sign``: one item of a site's monthly checklist signed off, for the
    month it falls due in (``sync.monthly_checklist``)."""

    site_id = Ref(required=True, required_message=m.SITE_REQUIRED)
    item = Choice(monthly_checklist.ITEMS, m.CHECKLIST_ITEM_INVALID, required=True)
    year = Count(2000, 2200, m.CHECKLIST_MONTH_INVALID, required=True)
    month = Count(1, 12, m.CHECKLIST_MONTH_INVALID, required=True)
    note = Text(1000)
# -- meetings (晨会 / 周例会) -----------------------------------------------------------------

class MeetingRecordSchema(DataSchema):
    """``meeting.record``: a morning or weekly meeting as its chair records it: who attended
    (people of the site), who was missing and why, today's assignments and the summary of
    yesterday (for a weekly meeting, of the week)."""

    site_id = Ref(required=True, required_message=m.SITE_REQUIRED)
    kind = Choice(meeting_rules.KINDS, m.MEETING_KIND_INVALID, required=True)
    attendee_ids = fields.List(
        Ref(required=True), required=True, allow_none=False, metadata={"people": True},
        validate=validate.Length(min=1, max=meeting_rules.MAX_ATTENDEES, error=m.MEETING_ATTENDEES_REQUIRED),
        error_messages={"required": m.MEETING_ATTENDEES_REQUIRED, "null": m.MEETING_ATTENDEES_REQUIRED,
                        "invalid": m.MEETING_ATTENDEES_REQUIRED})
    absent_note = Text(1000)
    assignments = Text(4000)
    yesterday_summary = Text(4000)
    notes = Text(2000)

    @validates_schema(skip_on_field_errors=False, pass_original=True)  # the desk shows every mistake at once
    def _morning(self, data, original, **kwargs):
        if not meeting_rules.needs_assignments(data.get("kind", "")):
            return
        errors = {}
        for name, message in (("assignments", m.MEETING_ASSIGNMENTS_REQUIRED),
                              ("yesterday_summary", m.MEETING_SUMMARY_REQUIRED)):
            raw = original.get(name) if isinstance(original, dict) else None
            if raw is None or (isinstance(raw, str) and not raw.strip()):  # too long or not text: the field said so
                errors[name] = [message]
        if errors:
            raise ValidationError(errors)
