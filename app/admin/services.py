"""What the admin views do beyond loading and saving a row.

Each function here either changes nothing or changes everything it was asked to: the
caller commits after it returns without errors and rolls back otherwise.
"""
import csv
import io
import re
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import Building
from app.models import Checkpoint
from app.models import DeviceToken
from app.models import Item
from app.models import StockMovement
from app.models import Unit
from app.models import utcnow
from app.models.stock import signed_quantity
from app.scoping import scoped

# --- site settings -----------------------------------------------------------------------

SCALAR_SETTINGS = ("gate_day_end", "visit_max_minutes", "patrol_start", "patrol_day_end",
                   "route_grace_minutes", "stock_check_day", "device_token_days", "privacy_retention_days",
                   "sign_in_by", "sign_out_after_winter", "sign_out_after_summer",
                   "morning_meeting_start", "morning_meeting_end", "weekly_meeting_weekday")


def settings_form_data(site) -> dict:
    """The site's settings merged with the defaults, shaped for ``SiteSettingsForm``."""
    data = {key: site.setting(key) for key in SCALAR_SETTINGS}
    data["gate_windows"] = [
        {"start": w.get("start", ""), "end": w.get("end", ""), "posts": list(w.get("posts") or []),
         "team_lead": bool(w.get("team_lead"))}
        for w in site.setting("gate_windows") or []
    ]
    data["summer_months"] = ",".join(str(month) for month in site.setting("summer_months"))
    data["clocks"] = site.setting("clocks")
    data["stock_blind"] = bool(site.setting("stock_blind"))
    data["stock_tolerance_default"] = Decimal(str(site.setting("stock_tolerance").get("default", 0)))
    return data


def _json_number(value: Decimal):
    """JSON has no decimals: whole numbers stay ints, others become floats."""
    return int(value) if value == value.to_integral_value() else float(value)


def apply_settings(site, form) -> None:
    """Write the form into ``site.settings``, keeping keys the form does not show."""
    settings = dict(site.settings or {})
    windows = []
    for entry in form.gate_windows.entries:
        sub = entry.form
        if sub.is_empty():
            continue
        windows.append({"start": sub.start.data, "end": sub.end.data,
                        "posts": list(sub.posts.data or []), "team_lead": bool(sub.team_lead.data)})
    settings["gate_windows"] = sorted(windows, key=lambda w: w["start"])
    for key in SCALAR_SETTINGS:
        settings[key] = form[key].data
    settings["summer_months"] = list(form.summer_months.data)
    clocks = dict(settings.get("clocks") or {})
    clocks.update(form.clocks.data)
    settings["clocks"] = clocks
    settings["stock_blind"] = bool(form.stock_blind.data)
    tolerance = dict(settings.get("stock_tolerance") or {})
    tolerance["default"] = _json_number(form.stock_tolerance_default.data)
    settings["stock_tolerance"] = tolerance
    site.settings = settings  # a new dict, so the JSON column is seen as changed


# --- CSV import of units -----------------------------------------------------------------

MAX_IMPORT_ROWS = 5000
OCCUPANCY_WORDS = {"": "owner", "owner": "owner", "业主": "owner", "自住": "owner",
                   "tenant": "tenant", "租户": "tenant", "出租": "tenant"}
COLUMN_WORDS = {
    "building": "building", "楼栋": "building", "楼号": "building",
    "code": "code", "unit": "code", "房号": "code", "户号": "code", "房屋": "code",
    "resident_name": "resident_name", "resident": "resident_name", "住户": "resident_name",
    "住户姓名": "resident_name", "业主姓名": "resident_name",
    "occupancy": "occupancy", "居住类型": "occupancy", "类型": "occupancy",
}
LIMITS = {"building": 60, "code": 32, "resident_name": 60}
COLUMN_LABELS = {"building": _l("Building"), "code": _l("Unit"), "resident_name": _l("Resident")}
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class ImportRow:
    line: int
    building: str
    code: str
    resident_name: str | None
    occupancy: str


@dataclass
class ImportPlan:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[tuple[int | None, str]] = field(default_factory=list)
    new_buildings: list[str] = field(default_factory=list)

    def error(self, line: int | None, message: str) -> None:
        """Note a problem on a line of the file (``None`` for the file as a whole)."""
        self.errors.append((line, message))


def decode_upload(raw: bytes) -> str | None:
    """UTF-8 (with or without the BOM Excel writes) or GBK/GB18030; ``None`` when neither."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _records(text: str):
    """CSV records with the line each starts on (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    for record in reader:
        yield start, record
        start = reader.line_num + 1


def _header(plan: ImportPlan, line: int, cells: list[str]) -> list[str | None] | None:
    columns: list[str | None] = []
    for cell in cells:
        name = cell.strip().lower()
        if not name:
            columns.append(None)
            continue
        column = COLUMN_WORDS.get(name)
        if column is None:
            plan.error(line, _("Unknown column “%(name)s”. Use building, code, resident_name, occupancy.",
                               name=cell.strip()[:40]))
        elif column in columns:
            plan.error(line, _("The column “%(name)s” appears twice.", name=cell.strip()[:40]))
        columns.append(column)
    for needed in ("building", "code"):
        if needed not in columns:
            plan.error(line, _("The column “%(name)s” is missing.", name=needed))
    return None if plan.errors else columns


def _row(plan: ImportPlan, line: int, columns: list, cells: list[str]) -> ImportRow | None:
    values = {"building": "", "code": "", "resident_name": "", "occupancy": ""}
    problems = []
    for i, cell in enumerate(cells):
        cell = cell.strip()
        column = columns[i] if i < len(columns) else None
        if column is None:
            if cell:
                problems.append(_("A value in a column without a heading."))
            continue
        values[column] = cell
    for column, limit in LIMITS.items():
        value = values[column]
        if CONTROL.search(value):
            problems.append(_("%(column)s contains control characters.", column=COLUMN_LABELS[column]))
        elif len(value) > limit:
            problems.append(_("%(column)s is longer than %(max)d characters.", column=COLUMN_LABELS[column],
                              max=limit))
    if not values["building"]:
        problems.append(_("The building is missing."))
    if not values["code"]:
        problems.append(_("The unit code is missing."))
    occupancy = OCCUPANCY_WORDS.get(values["occupancy"].lower())
    if occupancy is None:
        problems.append(_("Occupancy must be owner or tenant (业主/租户), not “%(value)s”.",
                          value=values["occupancy"][:40]))
    for problem in problems:
        plan.error(line, problem)
    if problems:
        return None
    return ImportRow(line, values["building"], values["code"], values["resident_name"] or None, occupancy)


def plan_unit_import(site, text: str) -> ImportPlan:
    """Check every row of the file; the plan has errors, or rows that can all be imported."""
    plan = ImportPlan()
    columns = None
    seen: dict[str, int] = {}
    count = 0
    try:
        for line, cells in _records(text):
            if not any(c.strip() for c in cells):
                continue
            if columns is None:
                columns = _header(plan, line, cells)
                if columns is None:
                    return plan
                continue
            count += 1
            if count > MAX_IMPORT_ROWS:
                plan.error(line, _("At most %(n)d units per file.", n=MAX_IMPORT_ROWS))
                return plan
            row = _row(plan, line, columns, cells)
            if row is None:
                continue
            if row.code in seen:
                plan.error(line, _("Unit %(code)s is already on line %(line)d.", code=row.code, line=seen[row.code]))
                continue
            seen[row.code] = line
            plan.rows.append(row)
    except csv.Error as err:
        plan.error(None, _("The file is not valid CSV: %(reason)s", reason=str(err)[:120]))
        return plan
    if columns is None:
        plan.error(None, _("The file is empty."))
        return plan
    if not plan.rows and not plan.errors:
        plan.error(None, _("The file has a heading but no units."))
    existing = set(db.session.scalars(
        scoped(Unit).where(Unit.site_id == site.id, Unit.code.in_([r.code for r in plan.rows]))
        .with_only_columns(Unit.code)))
    for row in plan.rows:
        if row.code in existing:
            plan.error(row.line, _("Unit %(code)s already exists in this site.", code=row.code))
    known = set(db.session.scalars(
        scoped(Building).where(Building.site_id == site.id).with_only_columns(Building.name)))
    for row in plan.rows:
        if row.building not in known and row.building not in plan.new_buildings:
            plan.new_buildings.append(row.building)
    plan.errors.sort(key=lambda e: (e[0] or 0))
    return plan


def apply_unit_import(site, plan: ImportPlan) -> int:
    """Create the plan's buildings and units; the plan must have no errors."""
    assert not plan.errors
    buildings = {b.name: b for b in db.session.scalars(scoped(Building).where(Building.site_id == site.id))}
    sort = max((b.sort for b in buildings.values()), default=0)
    for name in plan.new_buildings:
        sort += 1
        building = Building(site_id=site.id, name=name, sort=sort)
        db.session.add(building)
        buildings[name] = building
    db.session.flush()
    for row in plan.rows:
        db.session.add(Unit(site_id=site.id, building_id=buildings[row.building].id, code=row.code,
                            resident_name=row.resident_name, occupancy=row.occupancy))
    db.session.flush()
    return len(plan.rows)


# --- routes ------------------------------------------------------------------------------

def resolve_codes(site_id: str, codes: list[str]) -> tuple[list[str], list[str]]:
    """Checkpoint ids for the codes in order, and messages for codes that cannot be used.

    Codes match without regard to case, since people type what they read off the wall.
    """
    points = list(db.session.scalars(
        scoped(Checkpoint).where(Checkpoint.site_id == site_id, Checkpoint.deleted_at.is_(None))))
    exact = {c.code: c for c in points}
    folded = {c.code.upper(): c for c in points}
    ids, errors = [], []
    for code in codes:
        point = exact.get(code) or folded.get(code.upper())
        if point is None:
            errors.append(_("No checkpoint with the code %(code)s in this site.", code=code[:40]))
        elif not point.active:
            errors.append(_("Checkpoint %(code)s is deactivated.", code=point.code))
        else:
            ids.append(point.id)
    return ids, list(dict.fromkeys(errors))


# --- stock -------------------------------------------------------------------------------

def site_time_to_utc(value: datetime, tz: str) -> datetime:
    """A wall-clock time typed in the site's zone, as aware UTC."""
    return value.replace(tzinfo=ZoneInfo(tz)).astimezone(timezone.utc)


def utc_to_site_time(value: datetime, tz: str) -> datetime:
    """A stored UTC time as the site's wall clock, for a datetime-local input."""
    return value.astimezone(ZoneInfo(tz)).replace(tzinfo=None)


def lowest_book_from(item_id: str, at: datetime) -> Decimal:
    """The smallest book quantity the item has at ``at`` or after any later movement.

    A back-dated issue must not drive the book below zero at any point after it, not
    only today.
    """
    rows = db.session.execute(
        select(StockMovement.occurred_at, signed_quantity())
        .where(StockMovement.item_id == item_id)
        .order_by(StockMovement.occurred_at, StockMovement.created_at)).all()
    balance = Decimal(0)
    lowest = None
    for when, quantity in rows:
        if when > at and lowest is None:
            lowest = balance
        balance += Decimal(quantity)
        if when > at:
            lowest = min(lowest, balance)
    return balance if lowest is None else lowest


def record_movement(item: Item, form, user, tz: str) -> tuple[StockMovement | None, dict]:
    """Add a receipt or issue; returns the movement, or field errors and nothing written."""
    # Hold the item's row so that two issues at once cannot both spend the same stock.
    db.session.execute(select(Item.id).where(Item.id == item.id).with_for_update())
    at = site_time_to_utc(form.occurred_at.data, tz)
    if at > utcnow() + timedelta(minutes=5):
        return None, {"occurred_at": [_("A movement cannot be in the future.")]}
    quantity = form.quantity.data
    if form.direction.data == "out":
        available = lowest_book_from(item.id, at)
        if quantity > available:
            return None, {"quantity": [_("Only %(available)s %(unit)s in the books at that time; "
                                         "an issue cannot make the book negative.",
                                         available=plain_quantity(available), unit=item.unit)]}
    movement = StockMovement(site_id=item.site_id, item_id=item.id, direction=form.direction.data,
                             quantity=quantity, occurred_at=at, reference=form.reference.data,
                             note=form.note.data or None, user_id=user.id)
    db.session.add(movement)
    db.session.flush()
    return movement, {}


def plain_quantity(value: Decimal) -> str:
    """``12`` rather than ``12.000``."""
    return format(value.normalize(), "f")


# --- people ------------------------------------------------------------------------------

def username_taken(username: str, except_id: str | None = None) -> bool:
    """Usernames are unique across the whole installation."""
    from app.models import User
    stmt = select(func.count(User.id)).where(User.username == username)
    if except_id:
        stmt = stmt.where(User.id != except_id)
    return db.session.scalar(stmt) > 0
