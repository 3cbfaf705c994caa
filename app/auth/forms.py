"""Forms of sign-in and of choosing one's own password, and the rule every new password meets."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import EqualTo
from wtforms.validators import Length
from wtforms.validators import ValidationError

from app.passwords import MAX_LENGTH
from app.passwords import MIN_LENGTH


def new_password_validators() -> list:
    """Every password set through a page: admin create and reset, one's own change."""
    return [DataRequired(message=_l("This field is required.")),
            Length(min=MIN_LENGTH, max=MAX_LENGTH,
                   message=_l("A password needs %(min)d to %(max)d characters."))]


def repeat_validators() -> list:
    return [DataRequired(message=_l("This field is required.")),
            EqualTo("password", message=_l("The passwords do not match."))]


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class ChangePasswordForm(FlaskForm):
    """One's own password: the current one, then the new one twice."""

    current = PasswordField(_l("Current password"), validators=[
        DataRequired(message=_l("This field is required.")), Length(max=MAX_LENGTH)])
    password = PasswordField(_l("New password"), validators=new_password_validators())
    confirm = PasswordField(_l("Repeat the new password"), validators=repeat_validators())

    def validate_password(self, field):
        if field.data and field.data == self.current.data:
            raise ValidationError(_l("Choose a password other than the current one."))
