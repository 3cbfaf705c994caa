"""The decoration permit form: every message translated, every value checked before saving.

Site choices are the user's own sites (filled in by the view); the unit is typed as its
code and looked up at that site by the view.
"""
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import DecimalField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from app.admin.forms import at_most
from app.admin.forms import finite
from app.admin.forms import hhmm
from app.admin.forms import options
from app.admin.forms import parsed
from app.admin.forms import required
from app.admin.forms import stripped
from app.gate.values import clean_phone
from app.models.frontdesk import MAX_WORKERS
from app.office.values import a_day
from app.office.values import dated_yes
from app.office.values import NamesField
from app.office.values import names

STATUS_LABELS = {"active": _l("In force"), "finished": _l("Finished"), "revoked": _l("Revoked")}
STATUSES = options(STATUS_LABELS.items())
MAX_DEPOSIT = Decimal("99999999.99")
LONGEST_PERMIT_DAYS = 366


def phone_number(form, field):
    value, error = clean_phone(field.data)
    if error:
        raise ValidationError(error)
    field.data = value or None


class PermitForm(FlaskForm):
    site_id = SelectField(_l("Site"), validators=[required()])
    unit = StringField(_l("Unit"), filters=[stripped], validators=[required(), at_most(32)])
    applicant_name = StringField(_l("Applicant"), filters=[stripped], validators=[required(), at_most(60)])
    applicant_phone = StringField(_l("Applicant’s phone"), filters=[stripped],
                                  validators=[Optional(), at_most(24), phone_number])
    contractor = StringField(_l("Decoration company"), filters=[stripped], validators=[required(), at_most(80)])
    contractor_phone = StringField(_l("Company’s phone"), filters=[stripped],
                                   validators=[Optional(), at_most(24), phone_number])
    workers = NamesField(_l("Workers"), validators=[names(MAX_WORKERS)])
    start_date = StringField(_l("First day"), validators=[required(), a_day])
    end_date = StringField(_l("Last day"), validators=[required(), a_day])
    hours_start = StringField(_l("Work from"), default="08:00", filters=[stripped], validators=[required(), hhmm])
    hours_end = StringField(_l("Work until"), default="18:00", filters=[stripped], validators=[required(), hhmm])
    deposit = DecimalField(_l("Deposit (yuan)"), places=2, validators=[
        Optional(), parsed, finite,
        NumberRange(min=0, max=MAX_DEPOSIT, message=_l("Enter an amount from 0 to 99,999,999.99."))])
    deposit_returned = BooleanField(_l("Deposit returned"))
    deposit_returned_on = StringField(_l("Returned on"), validators=[
        a_day, dated_yes("deposit_returned", _l("Give the day the deposit was returned."))])
    rules_signed = BooleanField(_l("Decoration rules signed"))
    rules_signed_on = StringField(_l("Signed on"), validators=[
        a_day, dated_yes("rules_signed", _l("Give the day the rules were signed."))])
    status = SelectField(_l("Status"), choices=STATUSES, default="active", validators=[required()])
    closed_on = StringField(_l("Finished or revoked on"), validators=[a_day])
    note = TextAreaField(_l("Note"), filters=[stripped], validators=[Optional(), at_most(500)])

    def validate_end_date(self, field):
        start = self.start_date.data
        if field.data is None or not hasattr(start, "isoformat") or start is None:
            return
        if field.data < start:
            raise ValidationError(_l("The last day is before the first day."))
        if (field.data - start).days >= LONGEST_PERMIT_DAYS:
            raise ValidationError(_l("A permit lasts at most a year; issue a new one after that."))

    def validate_hours_end(self, field):
        if self.hours_start.data and field.data and not self.hours_start.errors and field.data <= self.hours_start.data:
            raise ValidationError(_l("Work must end after it starts."))

    def validate_deposit_returned(self, field):
        if field.data and self.deposit.data is None:
            raise ValidationError(_l("No deposit was taken, so none can be returned."))

    def validate_closed_on(self, field):
        if self.status.data == "active" and field.data is not None:
            raise ValidationError(_l("An active permit has no finishing day; choose Finished or Revoked, "
                                     "or leave the day empty."))
        start = self.start_date.data
        if field.data is not None and hasattr(start, "isoformat") and field.data < start:
            raise ValidationError(_l("The permit cannot end before its first day."))
