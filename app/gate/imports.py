"""CSV import of the gate's lists: residents' vehicles, or the watch list, of one site.

The same shape as the unit import of ``app.admin.services`` (whose decoding and CSV
reading it uses): every line is checked first; a file with any problem writes nothing and
lists every problem by line; otherwise every row is written. Values are checked by
``app.gate.values``, as the forms check them.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from dataclasses import field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.admin.services import CONTROL
from app.admin.services import _records as csv_records
from app.extensions import db
from app.gate.values import clean_id_number
from app.gate.values import clean_phone
from app.gate.values import clean_plate
from app.models import Unit
from app.models.gate import ResidentVehicle
from app.models.gate import WatchEntry

MAX_ROWS = 5000


@dataclass(frozen=True)
class Layout:
    """One list's columns: the words a heading may use for each, which are required, limits."""

    words: dict[str, str]
    required: tuple[str, ...]
    limits: dict[str, int]
    labels: dict[str, object]
    hint: str


VEHICLES = Layout(
    words={"plate": "plate", "车牌": "plate", "车牌号": "plate", "车牌号码": "plate",
           "unit": "unit", "code": "unit", "房号": "unit", "户号": "unit", "房屋": "unit",
           "owner_name": "owner_name", "owner": "owner_name", "车主": "owner_name", "车主姓名": "owner_name",
           "业主": "owner_name", "业主姓名": "owner_name"},
    required=("plate", "unit"),
    limits={"plate": 20, "unit": 32, "owner_name": 60},
    labels={"plate": _l("Plate"), "unit": _l("Unit"), "owner_name": _l("Owner's name")},
    hint="plate, unit, owner_name",
)
WATCH = Layout(
    words={"name": "name", "姓名": "name", "phone": "phone", "电话": "phone", "手机": "phone", "手机号": "phone",
           "联系电话": "phone", "id_number": "id_number", "身份证": "id_number", "身份证号": "id_number",
           "证件号": "id_number", "证件号码": "id_number", "plate": "plate", "车牌": "plate", "车牌号": "plate",
           "reason": "reason", "原因": "reason", "关注原因": "reason", "事由": "reason"},
    required=("reason",),
    limits={"name": 60, "phone": 24, "id_number": 32, "plate": 20, "reason": 255},
    labels={"name": _l("Person’s name"), "phone": _l("Phone"), "id_number": _l("ID number"), "plate": _l("Plate"),
            "reason": _l("Reason")},
    hint="name, phone, id_number, plate, reason",
)
LAYOUTS = {"vehicles": VEHICLES, "watch": WATCH}


@dataclass
class Plan:
    kind: str
    rows: list[dict] = field(default_factory=list)
    errors: list[tuple[int | None, str]] = field(default_factory=list)

    def error(self, line: int | None, message: str) -> None:
        self.errors.append((line, message))


def _header(plan: Plan, layout: Layout, line: int, cells: list[str]) -> list[str | None] | None:
    columns: list[str | None] = []
    for cell in cells:
        name = cell.strip().lower()
        if not name:
            columns.append(None)
            continue
        column = layout.words.get(name)
        if column is None:
            plan.error(line, _("Unknown column “%(name)s”. Use %(columns)s.", name=cell.strip()[:40],
                               columns=layout.hint))
        elif column in columns:
            plan.error(line, _("The column “%(name)s” appears twice.", name=cell.strip()[:40]))
        columns.append(column)
    for needed in layout.required:
        if needed not in columns:
            plan.error(line, _("The column “%(name)s” is missing.", name=needed))
    return None if plan.errors else columns


def _cells(plan: Plan, layout: Layout, line: int, columns: list, cells: list[str]) -> dict | None:
    """The line's values by column, or ``None`` after noting its problems."""
    values = {column: "" for column in layout.limits}
    problems = []
    for i, cell in enumerate(cells):
        cell = cell.strip()
        column = columns[i] if i < len(columns) else None
        if column is None:
            if cell:
                problems.append(_("A value in a column without a heading."))
            continue
        values[column] = cell
    for column, limit in layout.limits.items():
        label = layout.labels[column]
        if CONTROL.search(values[column]):
            problems.append(_("%(column)s contains control characters.", column=label))
        elif len(values[column]) > limit:
            problems.append(_("%(column)s is longer than %(max)d characters.", column=label, max=limit))
    for problem in problems:
        plan.error(line, problem)
    return None if problems else values


def _vehicle(plan: Plan, line: int, values: dict) -> dict | None:
    problems = []
    plate, error = clean_plate(values["plate"])
    if not plate:
        problems.append(_("The plate is missing."))
    elif error:
        problems.append(error)
    if not values["unit"]:
        problems.append(_("The unit is missing."))
    for problem in problems:
        plan.error(line, problem)
    if problems:
        return None
    return {"line": line, "plate": plate, "unit": values["unit"], "owner_name": values["owner_name"] or None}


def _watch(plan: Plan, line: int, values: dict) -> dict | None:
    problems = []
    phone, phone_error = clean_phone(values["phone"])
    id_number, id_error = clean_id_number(values["id_number"])
    plate, plate_error = clean_plate(values["plate"])
    problems += [e for e in (phone_error, id_error, plate_error) if e]
    if not values["reason"]:
        problems.append(_("The reason is missing."))
    if not (values["name"] or phone or id_number or plate):
        problems.append(_("Give at least a name, a phone number, an ID number or a plate."))
    for problem in problems:
        plan.error(line, problem)
    if problems:
        return None
    return {"line": line, "name": values["name"] or None, "phone": phone or None, "id_number": id_number or None,
            "plate": plate or None, "reason": values["reason"]}


def plan_import(site, kind: str, text: str) -> Plan:
    """Check every line of the file against the site; the plan has errors, or rows that can
    all be written."""
    layout = LAYOUTS[kind]
    plan = Plan(kind)
    columns = None
    plates: dict[str, int] = {}
    count = 0
    try:
        for line, cells in csv_records(text):
            if not any(c.strip() for c in cells):
                continue
            if columns is None:
                columns = _header(plan, layout, line, cells)
                if columns is None:
                    return plan
                continue
            count += 1
            if count > MAX_ROWS:
                plan.error(line, _("At most %(n)d lines per file.", n=MAX_ROWS))
                return plan
            values = _cells(plan, layout, line, columns, cells)
            if values is None:
                continue
            row = _vehicle(plan, line, values) if kind == "vehicles" else _watch(plan, line, values)
            if row is None:
                continue
            if kind == "vehicles":
                if row["plate"] in plates:
                    plan.error(line, _("Plate %(plate)s is already on line %(line)d.", plate=row["plate"],
                                       line=plates[row["plate"]]))
                    continue
                plates[row["plate"]] = line
            plan.rows.append(row)
    except csv.Error as err:
        plan.error(None, _("The file is not valid CSV: %(reason)s", reason=str(err)[:120]))
        return plan
    if columns is None:
        plan.error(None, _("The file is empty."))
        return plan
    if not plan.rows and not plan.errors:
        plan.error(None, _("The file has a heading but no rows."))
    if kind == "vehicles":
        _check_against_site(plan, site)
    plan.errors.sort(key=lambda e: e[0] or 0)
    return plan


def _check_against_site(plan: Plan, site) -> None:
    """Units must exist at the site; plates must not be listed there already."""
    codes = {r["unit"] for r in plan.rows}
    units = dict(db.session.execute(
        select(Unit.code, Unit.id).where(Unit.site_id == site.id, Unit.deleted_at.is_(None),
                                         Unit.code.in_(codes))).all()) if codes else {}
    taken = dict(db.session.execute(
        select(ResidentVehicle.plate, ResidentVehicle.active).where(
            ResidentVehicle.site_id == site.id, ResidentVehicle.plate.in_([r["plate"] for r in plan.rows]))).all()
    ) if plan.rows else {}
    for row in plan.rows:
        if row["unit"] not in units:
            plan.error(row["line"], _("There is no unit %(code)s at this site.", code=row["unit"]))
        else:
            row["unit_id"] = units[row["unit"]]
        if row["plate"] in taken:
            if taken[row["plate"]]:
                plan.error(row["line"], _("Plate %(plate)s is already listed at this site.", plate=row["plate"]))
            else:
                plan.error(row["line"], _("Plate %(plate)s is on a deactivated vehicle of this site; "
                                          "use that one again instead.", plate=row["plate"]))


def apply_import(site, plan: Plan) -> int:
    """Write every row of an error-free plan; the caller commits."""
    assert not plan.errors
    for row in plan.rows:
        if plan.kind == "vehicles":
            db.session.add(ResidentVehicle(site_id=site.id, plate=row["plate"], unit_id=row["unit_id"],
                                           owner_name=row["owner_name"], active=True))
        else:
            db.session.add(WatchEntry(site_id=site.id, name=row["name"], phone=row["phone"],
                                      id_number=row["id_number"], plate=row["plate"], reason=row["reason"],
                                      active=True))
    db.session.flush()
    return len(plan.rows)
