"""The patrol plan form: a route's daily window, how often rounds start in it, who walks it.

Every message is translated; a bad value fails the whole form and nothing is saved.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms import StringField
from wtforms.validators import ValidationError

from app.admin.forms import MultiCheckboxField
from app.admin.forms import check_window
from app.admin.forms import hhmm
from app.admin.forms import options
from app.admin.forms import stripped

REPEAT_MIN, REPEAT_MAX = 15, 720
WALKER_ROLES = {"guard": _l("Guards"), "manager": _l("Managers")}
DIGITS = re.compile(r"^\d{1,4}$")


class PlanForm(FlaskForm):
    window_start = StringField(_l("Window opens"), filters=[stripped], validators=[hhmm])
    window_end = StringField(_l("Window closes"), filters=[stripped], validators=[hhmm])
    repeat_minutes = StringField(_l("A round every (minutes)"), filters=[stripped])
    walker_role = SelectField(_l("Walked by"), choices=options(WALKER_ROLES.items()), validate_choice=False)
    walker_ids = MultiCheckboxField(_l("Named walkers"), choices=[], validate_choice=False)

    def __init__(self, *args, people=(), **kwargs):
        """``people``: (id, label) of the site's people who may walk a route."""
        super().__init__(*args, **kwargs)
        self.walker_ids.choices = options(people)

    def validate_walker_role(self, field):
        if field.data not in WALKER_ROLES:
            raise ValidationError(_l("Choose guards or managers."))

    def validate_walker_ids(self, field):
        allowed = {choice.value for choice in field.choices}
        if any(value not in allowed for value in field.data or []):
            raise ValidationError(_l("Choose people of this site who patrol (its managers and guards)."))

    def validate_repeat_minutes(self, field):
        """Empty is one round in the window; else a whole number of minutes, 15 to 720."""
        if not field.data:
            field.data = None
            return
        if not DIGITS.match(field.data) or not REPEAT_MIN <= int(field.data) <= REPEAT_MAX:
            raise ValidationError(_l("Enter whole minutes between %(min)d and %(max)d, or leave it empty.",
                                     min=REPEAT_MIN, max=REPEAT_MAX))
        field.data = int(field.data)

    def validate(self, extra_validators=None):
        """The window's two ends together: both or neither; an end before the start runs
        over midnight; the same time at both ends is no window. A repeat needs a window."""
        ok = super().validate(extra_validators)
        if not check_window(self):
            return False
        if not self.window_start.data and self.repeat_minutes.data and not self.repeat_minutes.errors:
            self.repeat_minutes.errors.append(_l("Rounds that repeat need a window to repeat in."))
            return False
        return ok

    @property
    def over_midnight(self) -> bool:
        start, end = self.window_start.data, self.window_end.data
        return bool(start and end and end < start)
