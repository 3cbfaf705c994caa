"""Form values the front desk's registers share: days, a list of names, yes-with-a-date,
a unit of the site typed by its code.

Each validator leaves the cleaned value in ``field.data`` or raises a translated message,
so a bad value is said in words on its field and nothing is saved.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import TextAreaField
from wtforms.validators import StopValidation
from wtforms.validators import ValidationError

from app.extensions import db
from app.models import Unit

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def a_day(form, field):
    """``YYYY-MM-DD`` (what a date input sends), between 2000 and 2100; blank is ``None``."""
    value = field.data
    if isinstance(value, date):
        return
    text = (value or "").strip()
    if not text:
        field.data = None
        return
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise StopValidation(_l("Enter a date as YYYY-MM-DD, e.g. 2026-12-04.")) from None
    if not EARLIEST <= day <= LATEST:
        raise StopValidation(_l("Enter a date between 2000 and 2100."))
    field.data = day


def names(most: int, longest: int = 30):
    """One name per line (or separated by commas): a list, blanks dropped, at most ``most``."""
    def validator(form, field):
        value = field.data
        if isinstance(value, list):
            return
        parts = [p.strip() for line in (value or "").splitlines() for p in line.replace("，", ",").split(",")]
        found = [p for p in parts if p]
        if len(found) > most:
            raise ValidationError(_l("At most %(most)d names.", most=most))
        if any(len(p) > longest for p in found):
            raise ValidationError(_l("A name has at most %(most)d characters.", most=longest))
        field.data = found
    return validator


class NamesField(TextAreaField):
    """A box of names, one per line; ``names`` turns it into a list, shown back one per line
    (also when the form comes back with an error elsewhere)."""

    def _value(self):
        if isinstance(self.data, list):
            return as_lines(self.data)
        return super()._value()


def dated_yes(flag_name: str, message):
    """A date beside a yes box: needed when the box is ticked (``message`` says so)."""
    def validator(form, field):
        if getattr(form, flag_name).data and field.data is None:
            raise ValidationError(message)
    return validator


def as_lines(values) -> str:
    """A list of names back into the text box, one per line."""
    return "\n".join(values or [])


def unit_at(site_id: str, code: str) -> Unit | None:
    return db.session.scalar(select(Unit).where(Unit.site_id == site_id, Unit.code == code,
                                                Unit.deleted_at.is_(None)))


def unit_or_error(form, site_id: str) -> Unit | None:
    """The site's unit the form's ``unit`` names, else ``None`` with the reason on the field."""
    unit = unit_at(site_id, form.unit.data)
    if unit is None:
        form.unit.errors = list(form.unit.errors) + [
            gettext("There is no unit %(code)s at this site.", code=form.unit.data[:32])]
    return unit
