"""Forms of the gate's lists: a resident's vehicle, a watch-list entry, a CSV import.

Site choices are the user's own sites (filled in by the views), so a site id of someone
else fails as "not a valid choice". Plates, phones and ID numbers are checked and
normalised by ``app.gate.values``; a watch entry's phone and ID number are never put back
into a form: the edit form shows them masked and an empty box keeps them.
"""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed
from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from wtforms import BooleanField
from wtforms import SelectField
from wtforms import StringField
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from app.admin.forms import at_most
from app.admin.forms import options
from app.admin.forms import required
from app.admin.forms import stripped
from app.gate.values import clean_id_number
from app.gate.values import clean_phone
from app.gate.values import clean_plate

KINDS = options((("vehicles", _l("Residents’ vehicles")), ("watch", _l("Watch list"))))


def _cleaned(clean):
    """A validator that stores the normalised value, or raises the checker's message."""
    def validator(form, field):
        value, error = clean(field.data)
        if error:
            raise ValidationError(error)
        field.data = value
    return validator


class VehicleForm(FlaskForm):
    site_id = SelectField(_l("Site"), validators=[required()])
    plate = StringField(_l("Plate"), filters=[stripped], validators=[required(), at_most(20), _cleaned(clean_plate)])
    unit = StringField(_l("Unit"), filters=[stripped], validators=[required(), at_most(32)])
    owner_name = StringField(_l("Owner's name"), filters=[stripped], validators=[Optional(), at_most(60)])


class WatchForm(FlaskForm):
    site_id = SelectField(_l("Site"), validators=[required()])
    name = StringField(_l("Person’s name"), filters=[stripped], validators=[Optional(), at_most(60)])
    phone = StringField(_l("Phone"), filters=[stripped], validators=[Optional(), at_most(24), _cleaned(clean_phone)])
    clear_phone = BooleanField(_l("Remove the phone number"))
    id_number = StringField(_l("ID number"), filters=[stripped],
                            validators=[Optional(), at_most(32), _cleaned(clean_id_number)])
    clear_id_number = BooleanField(_l("Remove the ID number"))
    plate = StringField(_l("Plate"), filters=[stripped], validators=[Optional(), at_most(20), _cleaned(clean_plate)])
    reason = StringField(_l("Reason"), filters=[stripped], validators=[required(), at_most(255)])

    def __init__(self, *args, entry=None, **kwargs):
        """``entry``: the row being edited, whose kept phone and ID number count as given."""
        super().__init__(*args, **kwargs)
        self.entry = entry

    def validate_reason(self, field):
        keeps_phone = self.entry is not None and self.entry.phone and not self.clear_phone.data
        keeps_id = self.entry is not None and self.entry.id_number and not self.clear_id_number.data
        if not (self.name.data or self.phone.data or self.id_number.data or self.plate.data
                or keeps_phone or keeps_id):
            raise ValidationError(_l("Give at least a name, a phone number, an ID number or a plate."))


class ListImportForm(FlaskForm):
    site_id = SelectField(_l("Site"), validators=[required()])
    kind = SelectField(_l("List"), choices=KINDS, validators=[required()])
    file = FileField(_l("CSV file"), validators=[
        FileRequired(message=_l("Choose a file.")),
        FileAllowed(["csv", "txt"], message=_l("Choose a .csv file."))])


REVEALABLE = options((("phone", _l("Phone")), ("id_number", _l("ID number"))))


class RevealForm(FlaskForm):
    """One full number of one visit, for a reason that goes into the audit log."""

    field = SelectField(_l("Number"), choices=REVEALABLE, validators=[required()])
    reason = StringField(_l("Why you need it"), filters=[stripped], validators=[
        required(), Length(min=4, max=200, message=_l("Give a reason of %(min)d to %(max)d characters."))])
