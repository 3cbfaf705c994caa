"""A person's own notification settings: channels muted, quiet hours, e-mail address."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from app.admin.forms import MultiCheckboxField
from app.admin.forms import hhmm
from app.admin.forms import stripped

KIND_NAMES = {"wecom": _l("WeCom group robot"), "dingtalk": _l("DingTalk group robot"),
              "feishu": _l("Feishu group robot"), "email": _l("E-mail (SMTP)"),
              "webpush": _l("Web Push on my phones")}


class SettingsForm(FlaskForm):
    muted = MultiCheckboxField(_l("Do not send me notifications on"),
                               choices=[SelectChoice(k, v) for k, v in KIND_NAMES.items()])
    quiet_start = StringField(_l("Quiet hours from"), filters=[stripped], validators=[Optional(), hhmm],
                              render_kw={"placeholder": "22:00"})
    quiet_end = StringField(_l("until"), filters=[stripped], validators=[Optional(), hhmm],
                            render_kw={"placeholder": "07:00"})
    email = StringField(_l("E-mail address"), filters=[stripped], validators=[
        Optional(), Length(max=254, message=_l("At most %(max)d characters."))])

    def validate_email(self, field):
        if field.data and ("@" not in field.data or " " in field.data):
            raise ValidationError(_l("This is not an e-mail address."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if bool(self.quiet_start.data) != bool(self.quiet_end.data):
            self.quiet_end.errors = [*self.quiet_end.errors, _l("Give both ends of the quiet hours, or neither.")]
            return False
        return valid
