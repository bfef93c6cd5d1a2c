"""The accounts forms; formats are checked by the same functions the service uses."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField, TelField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from webapp.errors import DomainError
from webapp.services.volunteers import accounts


def _checked_by(check):
    def validator(_form, field):
        try:
            check(field.data)
        except DomainError as err:
            raise ValidationError(str(err.message)) from None
    return validator


def _int_or_none(value):
    return int(value) if value not in (None, "") else None


class LoginForm(FlaskForm):
    login = StringField(_l("Mobile number or username"), validators=[
        DataRequired(_l("Please enter your mobile number or username."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Please enter your password."))])
    remember = BooleanField(_l("Keep me signed in on this phone"), default=True)
    next = HiddenField()


class RegisterForm(FlaskForm):
    display_name = StringField(_l("Your name (shown to other volunteers)"), validators=[
        DataRequired(_l("Please enter your name (at most 60 characters).")), Length(max=60)])
    phone = TelField(_l("Mobile number"), validators=[Optional(), _checked_by(accounts.clean_phone)])
    username = StringField(_l("Or a username, if you have no mobile phone"),
                           validators=[Optional(), _checked_by(accounts.clean_username)])
    password = PasswordField(_l("Password (at least 8 characters)"), validators=[
        DataRequired(_l("The password needs at least 8 characters.")), _checked_by(accounts.check_new_password)])
    confirm = PasswordField(_l("Password again"), validators=[
        DataRequired(_l("Please enter the password again.")),
        EqualTo("password", _l("The two passwords are not the same."))])
    code = StringField(_l("Invitation code (if you have one)"), validators=[Optional(), Length(max=40)])
    street_id = SelectField(_l("Your street"), coerce=_int_or_none, validate_choice=False)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Rules across fields: WTForms' Optional() would stop a per-field check on an empty field.
        if not (self.phone.data or "").strip() and not (self.username.data or "").strip():
            self.phone.errors.append(_l("Please enter a mobile number or a username."))
            valid = False
        if not accounts.normalise_invitation_code(self.code.data) and not self.street_id.data:
            self.street_id.errors.append(_l("Please choose your street."))
            valid = False
        return valid


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[
        DataRequired(_l("Please enter your current password."))])
    new_password = PasswordField(_l("New password (at least 8 characters)"), validators=[
        DataRequired(_l("The password needs at least 8 characters.")), _checked_by(accounts.check_new_password)])
    confirm = PasswordField(_l("New password again"), validators=[
        DataRequired(_l("Please enter the password again.")),
        EqualTo("new_password", _l("The two passwords are not the same."))])
