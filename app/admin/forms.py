"""The admin forms: lengths match the columns, and every message is translated.

Choices of sites, buildings, stores and items are filled in by the views from the admin's
own sites, so an id of someone else's site fails validation as "not a valid choice".
"""
import math
import re
from decimal import Decimal
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed
from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from wtforms import BooleanField
from wtforms import DateTimeLocalField
from wtforms import DecimalField
from wtforms import FieldList
from wtforms import FloatField
from wtforms import FormField
from wtforms import IntegerField
from wtforms import PasswordField
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import Regexp
from wtforms.validators import StopValidation
from wtforms.validators import ValidationError

from app.auth.forms import new_password_validators
from app.auth.forms import repeat_validators
from app.models import DEFAULT_SITE_SETTINGS
from app.models import POSTS
from app.models import ROLES

HHMM = re.compile(r"\A([01]\d|2[0-3]):[0-5]\d\Z")
CODE = r"^[A-Za-z0-9_-]+$"
MAX_QUANTITY = Decimal("99999999999.999")  # Numeric(14, 3)
MAX_ROUTE_STOPS = 200


def required():
    """Filled in, with the translated message."""
    return DataRequired(message=_l("This field is required."))


def given():
    """Like ``required`` but accepts 0, for numbers."""
    return InputRequired(message=_l("This field is required."))


def at_most(n: int):
    """No longer than the column, with the translated message."""
    return Length(max=n, message=_l("At most %(max)d characters."))


def code_chars():
    """Codes go into QR codes and URLs: plain letters, digits, - and _."""
    return Regexp(CODE, message=_l("Use letters, digits, - and _ only."))


def hhmm(form, field):
    """A time of day as HH:MM, 00:00 to 23:59."""
    if field.data and not HHMM.match(field.data.strip()):
        raise ValidationError(_l("Enter a time as HH:MM, e.g. 07:30."))
    if field.data:
        field.data = field.data.strip()


def month_list(form, field):
    """Months as numbers 1 to 12 separated by commas (``5,6,7,8,9``), kept as a sorted list."""
    text = (field.data or "").replace("，", ",").replace(" ", "")
    try:
        months = sorted({int(part) for part in text.split(",") if part})
    except ValueError:
        months = None
    if not months or any(not 1 <= month <= 12 for month in months):
        raise ValidationError(_l("Enter months as numbers 1 to 12 separated by commas, e.g. 5,6,7,8,9."))
    field.data = months


def parsed(form, field):
    """Stops the chain when the value could not even be read (e.g. "abc" for a number),
    so the person sees that one message rather than a range error as well."""
    if field.process_errors:
        raise StopValidation()


def finite(form, field):
    """Stops NaN and infinity before range checks, which cannot compare them."""
    value = field.data
    if value is None:
        return
    if isinstance(value, Decimal) and not value.is_finite():
        raise StopValidation(_l("Enter a number."))
    if isinstance(value, float) and not math.isfinite(value):
        raise StopValidation(_l("Enter a number."))


def three_places(form, field):
    """Quantities are stored with three decimals; more would be silently rounded."""
    if field.data is not None and field.data.as_tuple().exponent < -3:
        raise ValidationError(_l("At most 3 decimal places."))


def known_timezone(form, field):
    """An IANA zone name that this machine knows."""
    if field.data and field.data.strip() not in available_timezones():
        raise ValidationError(_l("Not a known time zone, e.g. Asia/Shanghai."))
    if field.data:
        field.data = field.data.strip()


def options(pairs) -> list[SelectChoice]:
    """``SelectChoice`` objects from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def stripped(value):
    """Leading and trailing spaces removed, as people paste them in."""
    return value.strip() if isinstance(value, str) else value


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


# --- sites -------------------------------------------------------------------------------

class SiteForm(FlaskForm):
    name = StringField(_l("Name"), filters=[stripped], validators=[required(), at_most(120)])
    code = StringField(_l("Code"), filters=[stripped],
                       validators=[required(), at_most(32), code_chars()])
    address = StringField(_l("Address"), filters=[stripped], validators=[Optional(), at_most(255)])
    timezone = StringField(_l("Time zone"), default="Asia/Shanghai", filters=[stripped],
                           validators=[required(), at_most(64), known_timezone])


class SubForm(FlaskForm):
    """A repeated part of a form: no token of its own, but translated built-in messages."""

    class Meta:
        csrf = False


class GateWindowForm(SubForm):
    """One peak window at the gate; a row left empty is dropped."""

    start = StringField(_l("From"), filters=[stripped], validators=[Optional(), hhmm])
    end = StringField(_l("To"), filters=[stripped], validators=[Optional(), hhmm])
    posts = MultiCheckboxField(_l("Posts on duty"), choices=options([
        ("customer_service", _l("Customer service")), ("security", _l("Security staff"))]))
    team_lead = BooleanField(_l("Team leader"))

    def is_empty(self) -> bool:
        """Both times left empty: the row is dropped."""
        return not self.start.data and not self.end.data

    def validate(self, extra_validators=None):
        """Both ends given and in order, or neither."""
        ok = super().validate(extra_validators)
        if not ok or self.is_empty():
            return ok
        if not self.start.data or not self.end.data:
            self.end.errors.append(_l("Give both the start and the end."))
            return False
        if self.start.data >= self.end.data:
            self.end.errors.append(_l("The end must be after the start."))
            return False
        return True


CLOCK_LABELS = {
    "high": _l("Finding, high severity"),
    "medium": _l("Finding, medium severity"),
    "low": _l("Finding, low severity"),
    "flagged_person": _l("Suspicious person at the gate"),
    "stock_difference": _l("Stock count difference"),
    "missed_checkpoint": _l("Missed checkpoint"),
    "open_visit": _l("Visitor not checked out"),
    "no_patrol": _l("No patrol on a day"),
    "complaint_contact": _l("Complaint: contact the owner"),
    "complaint_invalid": _l("Invalid complaint: reply to the owner"),
    "complaint_collective": _l("Collective complaint: the manager contacts the owners"),
    "complaint_assisted": _l("Assisted complaint: reply unless a time was agreed"),
    "complaint_report_back": _l("Developer's transfer: report back after handling"),
    "repair_urgent": _l("Repair order: urgent"),
    "repair_normal": _l("Repair order: normal"),
    "repair_low": _l("Repair order: not urgent"),
}


def _clock_form():
    """A sub-form with one minutes field per clock known to the defaults."""
    fields = {
        key: IntegerField(CLOCK_LABELS.get(key, key), validators=[
            given(), parsed, NumberRange(min=1, max=525600, message=_l("Between %(min)s and %(max)s."))])
        for key in DEFAULT_SITE_SETTINGS["clocks"]
    }
    return type("ClockForm", (SubForm,), fields)


def minutes_field(label, low=1, high=525600):
    """A required whole number between ``low`` and ``high``."""
    return IntegerField(label, validators=[
        given(), parsed, NumberRange(min=low, max=high, message=_l("Between %(min)s and %(max)s."))])


class SiteSettingsForm(FlaskForm):
    gate_windows = FieldList(FormField(GateWindowForm), min_entries=1, max_entries=12)
    gate_day_end = StringField(_l("Gate day ends at"), filters=[stripped], validators=[required(), hhmm])
    visit_max_minutes = minutes_field(_l("Longest visit (minutes)"))
    patrol_start = StringField(_l("Patrol starts at"), filters=[stripped], validators=[required(), hhmm])
    patrol_day_end = StringField(_l("Patrol day ends at"), filters=[stripped], validators=[required(), hhmm])
    route_grace_minutes = minutes_field(_l("Route grace (minutes)"), 0, 1440)
    sign_in_by = StringField(_l("Sign in by"), filters=[stripped], validators=[required(), hhmm])
    sign_out_after_winter = StringField(_l("Sign out after (winter)"), filters=[stripped],
                                        validators=[required(), hhmm])
    sign_out_after_summer = StringField(_l("Sign out after (summer)"), filters=[stripped],
                                        validators=[required(), hhmm])
    summer_months = StringField(_l("Summer months"), filters=[stripped], validators=[month_list])
    morning_meeting_start = StringField(_l("Morning meeting starts at"), filters=[stripped],
                                        validators=[required(), hhmm])
    morning_meeting_end = StringField(_l("Morning meeting on time until"), filters=[stripped],
                                      validators=[required(), hhmm])
    weekly_meeting_weekday = minutes_field(_l("Weekly meeting day (1 = Monday … 7 = Sunday)"), 1, 7)
    stock_check_day = minutes_field(_l("Monthly stock check by day"), 1, 28)
    device_token_days = minutes_field(_l("Phone sign-in lasts (days without use)"), 1, 365)
    # At least the 7 days phones keep their own records, so no phone holds a purged visit.
    privacy_retention_days = minutes_field(_l("Keep visitors’ ID and phone numbers for (days)"), 7, 3650)
    clocks = FormField(_clock_form())
    stock_blind = BooleanField(_l("Blind stock counts: the book quantity shows only after the first count"))
    stock_tolerance_default = DecimalField(_l("Stock tolerance (default)"), places=None, validators=[
        given(), parsed, finite, three_places,
        NumberRange(min=0, max=MAX_QUANTITY, message=_l("Between %(min)s and %(max)s."))])


# --- buildings and units -----------------------------------------------------------------

class BuildingForm(FlaskForm):
    name = StringField(_l("Name"), filters=[stripped], validators=[required(), at_most(60)])
    sort = IntegerField(_l("Order"), default=0, validators=[
        Optional(), parsed, NumberRange(min=0, max=9999, message=_l("Between %(min)s and %(max)s."))])


OCCUPANCY = options([("owner", _l("Owner")), ("tenant", _l("Tenant"))])


class UnitForm(FlaskForm):
    building_id = SelectField(_l("Building"), validators=[required()])
    code = StringField(_l("Unit"), filters=[stripped], validators=[required(), at_most(32)])
    resident_name = StringField(_l("Resident"), filters=[stripped], validators=[Optional(), at_most(60)])
    occupancy = SelectField(_l("Occupancy"), choices=OCCUPANCY, default="owner")


class UnitImportForm(FlaskForm):
    site_id = SelectField(_l("Site"), validators=[required()])
    file = FileField(_l("CSV file"), validators=[
        FileRequired(message=_l("Choose a file.")),
        FileAllowed(["csv", "txt"], message=_l("Choose a .csv file."))])


# --- people ------------------------------------------------------------------------------

ROLE_LABELS = {
    "guard": _l("Guard"), "clerk": _l("Front-desk clerk"), "staff": _l("Staff"), "manager": _l("Manager"),
    "supervisor": _l("Supervisor"), "admin": _l("Administrator"),
}
POST_LABELS = {
    "security": _l("Security staff"), "customer_service": _l("Customer service"), "repair": _l("Repair"),
    "cleaning": _l("Cleaning"), "store": _l("Store keeper"),
}


def lower(value):
    """Usernames are stored in lower case, as the sign-in form looks them up."""
    return value.strip().lower() if isinstance(value, str) else value


class UserForm(FlaskForm):
    username = StringField(_l("Username"), filters=[lower], validators=[
        required(), at_most(64),
        Regexp(r"^[a-z0-9_.-]+$", message=_l("Use lower-case letters, digits, '.', '-' and '_' only."))])
    display_name = StringField(_l("Full name"), filters=[stripped], validators=[required(), at_most(60)])
    role = SelectField(_l("Role"), choices=options((r, ROLE_LABELS[r]) for r in ROLES), default="guard")
    post = SelectField(_l("Post"), choices=options([("", _l("None"))] + [(p, POST_LABELS[p]) for p in POSTS]),
                       default="")
    is_team_lead = BooleanField(_l("Team leader"))
    sites = MultiCheckboxField(_l("Assigned sites"),
                               invalid_choice_message=_l("Choose from the sites listed."))

    def validate_sites(self, field):
        """Everyone but an admin works at some site."""
        if self.role.data != "admin" and not field.data:
            raise ValidationError(_l("Choose at least one site (only administrators may have none)."))


class NewUserForm(UserForm):
    password = PasswordField(_l("Initial password"), validators=new_password_validators())
    confirm = PasswordField(_l("Repeat the password"), validators=repeat_validators())


class PostForm(FlaskForm):
    """A gate post of a site (东门岗): a shared phone registers to it."""

    site_id = SelectField(_l("Site"), validators=[required()])
    name = StringField(_l("Post"), filters=[stripped], validators=[required(), at_most(40)])


class PinForm(FlaskForm):
    """A person's shift PIN for post phones."""

    pin = PasswordField(_l("PIN (4 to 6 digits)"), validators=[
        required(), Regexp(r"\A[0-9]{4,6}\Z", message=_l("A PIN is 4 to 6 digits."))])


class PasswordForm(FlaskForm):
    """An administrator's reset; the person's phones are always signed out (app/auth/accounts.py)."""

    password = PasswordField(_l("New password"), validators=new_password_validators())
    confirm = PasswordField(_l("Repeat the password"), validators=repeat_validators())


# --- checkpoints and routes --------------------------------------------------------------

class CheckpointForm(FlaskForm):
    site_id = SelectField(_l("Site"), validators=[required()])
    name = StringField(_l("Name"), filters=[stripped], validators=[required(), at_most(80)])
    code = StringField(_l("Code"), filters=[stripped],
                       validators=[required(), at_most(40), code_chars()])
    description = StringField(_l("Location details"), filters=[stripped], validators=[Optional(), at_most(255)])
    lat = FloatField(_l("Latitude"), validators=[
        Optional(), parsed, finite, NumberRange(min=-90, max=90, message=_l("Between %(min)s and %(max)s."))])
    lng = FloatField(_l("Longitude"), validators=[
        Optional(), parsed, finite, NumberRange(min=-180, max=180, message=_l("Between %(min)s and %(max)s."))])


def split_codes(text: str | None) -> list[str]:
    """Checkpoint codes, one per line (commas, spaces and Chinese commas also separate)."""
    return [c for c in re.split(r"[\s,，、;；]+", text or "") if c]


def check_window(form) -> bool:
    """A route's daily window on any form that has one (admin routes, patrol plans): both
    ends or neither; an end before the start runs over midnight (night rounds); the same
    time at both ends is no window. Messages go on ``window_end``."""
    start, end = form.window_start.data, form.window_end.data
    if form.window_start.errors or form.window_end.errors:
        return False
    if bool(start) != bool(end):
        form.window_end.errors.append(_l("Give both ends of the window, or neither."))
        return False
    if start and start == end:
        form.window_end.errors.append(_l("The window cannot close at the time it opens."))
        return False
    return True


class RouteForm(FlaskForm):
    site_id = SelectField(_l("Site"), validators=[required()])
    name = StringField(_l("Name"), filters=[stripped], validators=[required(), at_most(80)])
    window_start = StringField(_l("Daily window from"), filters=[stripped], validators=[Optional(), hhmm])
    window_end = StringField(_l("Daily window to"), filters=[stripped], validators=[Optional(), hhmm])
    active = BooleanField(_l("In use"), default=True)
    codes = TextAreaField(_l("Checkpoints in order (one code per line)"), validators=[
        required(), Length(max=MAX_ROUTE_STOPS * 41, message=_l("At most %(max)d characters."))])

    def validate(self, extra_validators=None):
        """The window's two ends are checked together, even when one is left empty."""
        ok = super().validate(extra_validators)
        return check_window(self) and ok

    def validate_codes(self, field):
        """At least one code, and not more than a route can hold."""
        codes = split_codes(field.data)
        if not codes:
            raise ValidationError(_l("This field is required."))
        if len(codes) > MAX_ROUTE_STOPS:
            raise ValidationError(_l("At most %(n)d checkpoints on one route.", n=MAX_ROUTE_STOPS))


# --- stores, items and movements ---------------------------------------------------------

class StoreForm(FlaskForm):
    site_id = SelectField(_l("Site"), validators=[required()])
    name = StringField(_l("Name"), filters=[stripped], validators=[required(), at_most(80)])


class ItemForm(FlaskForm):
    store_id = SelectField(_l("Store"), validators=[required()])
    name = StringField(_l("Name"), filters=[stripped], validators=[required(), at_most(80)])
    unit = StringField(_l("Unit of count"), default="个", filters=[stripped],
                       validators=[required(), at_most(16)])
    sku = StringField(_l("Item number"), filters=[stripped], validators=[Optional(), at_most(40)])
    tolerance = DecimalField(_l("Tolerance"), places=None, validators=[
        Optional(), parsed, finite, three_places,
        NumberRange(min=0, max=MAX_QUANTITY, message=_l("Between %(min)s and %(max)s."))])
    active = BooleanField(_l("In use"), default=True)


class MovementForm(FlaskForm):
    item_id = SelectField(_l("Item"), validators=[required()])
    direction = SelectField(_l("Direction"), choices=options([("in", _l("In (receipt)")), ("out", _l("Out (issue)"))]))
    quantity = DecimalField(_l("Quantity"), places=None, validators=[
        given(), parsed, finite, three_places,
        NumberRange(min=Decimal("0.001"), max=MAX_QUANTITY, message=_l("Between %(min)s and %(max)s."))])
    occurred_at = DateTimeLocalField(_l("When (site time)"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                                     validators=[given(), parsed])
    reference = StringField(_l("Document number"), filters=[stripped], validators=[required(), at_most(60)])
    note = StringField(_l("Note"), filters=[stripped], validators=[Optional(), at_most(255)])


class ChannelForm(FlaskForm):
    """A site's group robot or mail server. The webhook address and the secret are never
    shown again once saved: left empty on an edit, the stored ones stay."""

    site_id = SelectField(_l("Site"), validators=[required()])
    kind = SelectField(_l("Kind of channel"), choices=[
        SelectChoice("wecom", _l("WeCom group robot")), SelectChoice("dingtalk", _l("DingTalk group robot")),
        SelectChoice("feishu", _l("Feishu group robot")), SelectChoice("email", _l("E-mail (SMTP)"))],
        validators=[required()])
    name = StringField(_l("Name"), filters=[stripped], validators=[required(), at_most(60)])
    url = StringField(_l("Webhook address"), filters=[stripped], validators=[Optional(), at_most(1000)])
    secret = PasswordField(_l("Secret"), filters=[stripped], validators=[Optional(), at_most(120)])
    host = StringField(_l("Mail server"), filters=[stripped], validators=[Optional(), at_most(120)])
    port = IntegerField(_l("Port"), validators=[Optional(), NumberRange(
        min=1, max=65535, message=_l("Between %(min)s and %(max)s."))])
    username = StringField(_l("Mail user"), filters=[stripped], validators=[Optional(), at_most(120)])
    sender = StringField(_l("Sender address"), filters=[stripped], validators=[Optional(), at_most(254)])
    starttls = BooleanField(_l("Use STARTTLS"))
    active = BooleanField(_l("In use"), default=True)

    def __init__(self, *args, stored_url: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored_url = stored_url

    def validate(self, extra_validators=None) -> bool:
        """Each kind's own fields: a robot its webhook address, a mail server its host and sender."""
        valid = super().validate(extra_validators)
        if self.kind.data == "email":
            if not self.host.data:
                self.host.errors = [*self.host.errors, _l("Give the mail server.")]
            if not self.sender.data or "@" not in self.sender.data:
                self.sender.errors = [*self.sender.errors, _l("Give the address the mail is sent from.")]
            return valid and not self.host.errors and not self.sender.errors
        if not self.url.data and not self.stored_url:
            self.url.errors = [*self.url.errors, _l("Paste the robot's webhook address.")]
        elif self.url.data and not self.url.data.startswith(("https://", "http://")):
            self.url.errors = [*self.url.errors, _l("A webhook address starts with https://.")]
        return valid and not self.url.errors
