"""The rental household form: every value checked and said in words before anything is saved."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import IntegerField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from app.admin.forms import at_most
from app.admin.forms import given
from app.admin.forms import parsed
from app.admin.forms import required
from app.admin.forms import stripped
from app.office.values import a_day
from app.office.values import dated_yes
from app.office.values import NamesField
from app.office.values import names

MAX_TENANTS = 30


class HouseholdForm(FlaskForm):
    site_id = SelectField(_l("Site"), validators=[required()])
    unit = StringField(_l("Unit"), filters=[stripped], validators=[required(), at_most(32)])
    tenant_names = NamesField(_l("Tenants"), validators=[names(MAX_TENANTS)])
    tenant_count = IntegerField(_l("Number of tenants"), default=1, validators=[
        given(), parsed, NumberRange(min=1, max=MAX_TENANTS, message=_l("Enter a number from 1 to 30."))])
    move_in_on = StringField(_l("Moved in on"), validators=[required(), a_day])
    registered = BooleanField(_l("Registered with the police for temporary residence (暂住登记)"))
    registered_on = StringField(_l("Registered on"), validators=[
        a_day, dated_yes("registered", _l("Give the day of the registration."))])
    informed = BooleanField(_l("Told of the registration duty"))
    informed_on = StringField(_l("Told on"), validators=[
        a_day, dated_yes("informed", _l("Give the day they were told."))])
    moved_out_on = StringField(_l("Moved out on"), validators=[a_day])
    note = TextAreaField(_l("Note"), filters=[stripped], validators=[Optional(), at_most(500)])

    def validate_tenant_count(self, field):
        listed = self.tenant_names.data if isinstance(self.tenant_names.data, list) else []
        if field.data is not None and len(listed) > field.data:
            raise ValidationError(_l("Fewer tenants than names listed: count everyone named."))

    def validate_moved_out_on(self, field):
        start = self.move_in_on.data
        if field.data is not None and hasattr(start, "isoformat") and field.data < start:
            raise ValidationError(_l("They cannot move out before they moved in."))
