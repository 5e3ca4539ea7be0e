"""Flask-WTF forms; every label and message is translatable."""
import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectMultipleField, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from .catalog import AVAILABILITY, OTHER_LANGUAGE, SKILLS
from .i18n import SPOKEN_LANGUAGES

MOBILE_TYPES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def normalize_email(value: str) -> str:
    """The address as stored and compared: validated, then lower-cased."""
    result = validate_email(
        value.strip(), check_deliverability=current_app.config["EMAIL_CHECK_DELIVERABILITY"])
    return result.normalized.lower()


def normalize_phone(value: str, region: str = "SE") -> str:
    """A mobile number in E.164; Swedish when written without a country code."""
    number = phonenumbers.parse(value, region)
    if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in MOBILE_TYPES:
        raise ValueError(value)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """A stored number as people write it: national for Swedish numbers, international otherwise."""
    number = phonenumbers.parse(e164, "SE")
    fmt = phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == 46 \
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, fmt)


class ValidEmail:
    """Validates with email-validator and keeps the normalized address in field.normalized."""

    def __call__(self, form, field):
        try:
            field.normalized = normalize_email(field.data or "")
        except EmailNotValidError as error:
            raise ValidationError(_l("Enter an e-mail address like name@example.se.")) from error


class MobilePhone:
    """Parses with phonenumbers and keeps the E.164 form in field.normalized."""

    def __call__(self, form, field):
        try:
            field.normalized = normalize_phone(field.data or "")
        except (phonenumbers.NumberParseException, ValueError) as error:
            raise ValidationError(
                _l("Enter a mobile number, for example 070-123 45 67 or +46 70 123 45 67.")) from error


def clean_text(value):
    """Trim text and drop NUL characters, which PostgreSQL text columns cannot hold."""
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


class Form(FlaskForm):
    """Base form: every field's input goes through clean_text."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = [clean_text, *unbound_field.kwargs.get("filters", ())]
            return unbound_field.bind(form=form, **{**options, "filters": filters})


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes posting a list of values."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SignupForm(Form):
    """The public volunteer application."""

    full_name = StringField(_l("Full name"), validators=[
        DataRequired(_l("Write your full name.")),
        Length(max=120, message=_l("Write at most %(max)d characters.")),
    ])
    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Write your e-mail address.")), ValidEmail()])
    phone = TelField(_l("Mobile phone"), validators=[DataRequired(_l("Write your mobile number.")), MobilePhone()])
    languages = MultiCheckboxField(
        _l("Languages you speak"),
        choices=[SelectChoice(code) for code, _ in SPOKEN_LANGUAGES] + [SelectChoice(OTHER_LANGUAGE)],
        validators=[InputRequired(_l("Choose at least one language."))],
    )
    other_languages = StringField(_l("Other languages"), validators=[
        Length(max=200, message=_l("Write at most %(max)d characters.")),
    ])
    skills = MultiCheckboxField(_l("Skills"), choices=[SelectChoice(k, v) for k, v in SKILLS.items()])
    availability = MultiCheckboxField(
        _l("When can you help?"), choices=[SelectChoice(k, v) for k, v in AVAILABILITY.items()],
        validators=[InputRequired(_l("Choose at least one time that suits you."))],
    )
    organisations = MultiCheckboxField(_l("Organisations you would like to volunteer with"), coerce=int)
    motivation = TextAreaField(_l("Why do you want to volunteer?"), validators=[
        DataRequired(_l("Write a few words about why you want to help.")),
        Length(max=1000, message=_l("Write at most %(max)d characters.")),
    ])
    adult = BooleanField(_l("I am 18 years or older"), validators=[
        DataRequired(_l("You must be 18 or older to volunteer.")),
    ])
    consent = BooleanField(_l("I have read the privacy notice and agree that my data is used as it describes"),
                           validators=[DataRequired(_l("We need your consent to handle your application."))])

    def validate_other_languages(self, field):
        """'Other' needs the languages written out."""
        if OTHER_LANGUAGE in (self.languages.data or []) and not (field.data or "").strip():
            raise ValidationError(_l("Write which other languages you speak."))


class SignInForm(Form):
    """Ask for a one-time sign-in link."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Write your e-mail address.")), ValidEmail()])


class ConfirmForm(Form):
    """A single button that redeems a one-time link (a GET never uses it up)."""
