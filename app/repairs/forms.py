"""The desk's repair request form; the engine's schema is the judge of what is valid."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField

from app.admin.forms import options

URGENCY_LABELS = {"urgent": _l("Urgent"), "normal": _l("Normal"), "low": _l("Not urgent")}
CHANNEL_LABELS = {"in_person": _l("At the desk"), "phone": _l("By phone"), "other": _l("Other")}
STATUS_LABELS = {"open": _l("Waiting for repair"), "worked": _l("Repaired, not signed off"),
                 "signed_off": _l("Signed off by the owner")}
SATISFACTION_LABELS = {"satisfied": _l("Satisfied"), "basically": _l("Basically satisfied"),
                       "unsatisfied": _l("Unsatisfied")}
APPROVAL_LABELS = {"unapproved": _l("Awaiting approval"), "approved": _l("Approved")}


class RepairRequestForm(FlaskForm):
    """What the front desk writes down when an owner asks for a repair (报修)."""

    site_id = SelectField(_l("Site"), choices=[], validate_choice=False)
    unit = StringField(_l("Unit"), render_kw={"maxlength": 32, "placeholder": "3-2-1101"})
    owner_name = StringField(_l("Owner"), render_kw={"maxlength": 60})
    owner_phone = StringField(_l("Owner's phone"), render_kw={"maxlength": 20, "inputmode": "tel"})
    channel = SelectField(_l("Taken"), choices=options(CHANNEL_LABELS.items()), default="in_person",
                          validate_choice=False)
    urgency = SelectField(_l("Urgency"), choices=options(URGENCY_LABELS.items()), default="normal",
                          validate_choice=False)
    description = TextAreaField(_l("What needs repairing"), render_kw={"rows": 4, "maxlength": 2000})
