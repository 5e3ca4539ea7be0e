"""Flask-WTF forms; every label and message is translatable."""
from datetime import date

import phonenumbers
from dateutil.relativedelta import relativedelta
from email_validator import EmailNotValidError, validate_email
from flask import current_app, request
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, EmailField, RadioField, SearchField, SelectField, SelectMultipleField,
                     StringField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..catalog import AVAILABILITY, ORGANISATION_KINDS, RECORD_KINDS, SKILLS, STATUS_LABELS
from ..clock import now
from ..i18n.catalog import lazy_gettext as _l
from ..i18n.formats import left_to_right, to_user_timezone
from ..i18n.languages import SPOKEN_LANGUAGES
from ..i18n.locale import SITE_LOCALES

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
            raise ValidationError(_l("Enter a mobile number, for example %(local)s or %(international)s.",
                                     local=left_to_right("070-123 45 67"),
                                     international=left_to_right("+46 70 123 45 67"))) from error


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


class ConfirmForm(Form):
    """A single button that redeems a one-time link (a GET never uses it up)."""


def _stockholm_today() -> date:
    return to_user_timezone(now()).date()


class NotInFuture:
    """A date that has already come (an interview held, an extract seen)."""

    def __call__(self, form, field):
        if field.data and field.data > _stockholm_today():
            raise ValidationError(_l("The date cannot be in the future."))


class DecisionForm(Form):
    """Record an interview and, when ready, approve or reject the applicant.

    Many of these sit on one page, so each gets a prefix per person; CSRFProtect checks every POST anyway.
    """

    class Meta:
        csrf = False

    held_on = DateField(_l("Interview date"), default=_stockholm_today, validators=[
        InputRequired(_l("Write the date of the interview.")), NotInFuture()])
    notes = TextAreaField(_l("Interview notes"), validators=[
        Length(max=4000, message=_l("Write at most %(max)d characters."))])
    decision = RadioField(_l("Decision"), default="later", choices=[
        SelectChoice("approve", _l("Approve")),
        SelectChoice("reject", _l("Do not approve")),
        SelectChoice("later", _l("Decide later")),
    ], validators=[InputRequired(_l("Choose a decision."))])
    reason = TextAreaField(_l("Reason"), validators=[
        Length(max=1000, message=_l("Write at most %(max)d characters."))])

    def validate_reason(self, field):
        """Not approving someone always needs a reason."""
        if self.decision.data == "reject" and not field.data:
            raise ValidationError(_l("Write why the application is not approved."))


class RecordCheckForm(Form):
    """That an extract from the criminal-records register was seen; no copy is kept."""

    kind = SelectField(_l("Kind of extract"), choices=[SelectChoice(k, v) for k, v in RECORD_KINDS.items()],
                       validators=[InputRequired(_l("Choose the kind of extract."))])
    seen_on = DateField(_l("Seen on"), default=_stockholm_today, validators=[
        InputRequired(_l("Write the date you saw the extract.")), NotInFuture()])
    valid_until = DateField(_l("To be seen again by"),
                            default=lambda: _stockholm_today() + relativedelta(years=1),
                            validators=[InputRequired(_l("Write when the extract must be seen again."))])

    def validate_valid_until(self, field):
        if field.data and self.seen_on.data and field.data <= self.seen_on.data:
            raise ValidationError(_l("This date must come after the date the extract was seen."))


class ReasonForm(Form):
    """A status change that must say why (deactivate, reactivate)."""

    reason = TextAreaField(_l("Reason"), validators=[
        DataRequired(_l("Write a reason.")), Length(max=1000, message=_l("Write at most %(max)d characters."))])


# Far past the end of any list here, and an OFFSET every database can hold (a 20-digit page was a 500).
MAX_PAGE = 100_000


def page_number() -> int:
    """The list page asked for in the URL (?page=), from 1 to MAX_PAGE; anything else is the first page."""
    try:
        page = int(request.args.get("page", 1))
    except ValueError:
        return 1
    return min(max(page, 1), MAX_PAGE)


def optional_int(value):
    """A select's value as an int; empty means no choice."""
    if value in (None, "", "None"):
        return None
    return int(value)


class DirectoryFilterForm(FlaskForm):
    """Search and filters for the applicants queue and the volunteer directory (GET, no CSRF)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Name or e-mail"), filters=[clean_text])
    status = SelectField(_l("Status"), choices=[SelectChoice("", _l("Any status"))] + [
        SelectChoice(key, label) for key, label in STATUS_LABELS.items()], validate_choice=True)
    language = SelectField(_l("Language"), validate_choice=True)
    skill = SelectField(_l("Skill"), choices=[SelectChoice("", _l("Any skill"))] + [
        SelectChoice(k, v) for k, v in SKILLS.items()], validate_choice=True)
    availability = SelectField(_l("Available"), choices=[SelectChoice("", _l("Any time"))] + [
        SelectChoice(k, v) for k, v in AVAILABILITY.items()], validate_choice=True)
    organisation = SelectField(_l("Preferred organisation"), coerce=optional_int, validate_choice=True)
    qualification = SelectField(_l("Qualification"), coerce=optional_int, validate_choice=True)

    def __init__(self, organisations, qualifications=(), *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.qualification.choices = [SelectChoice(None, _l("Any qualification"))] + [
            SelectChoice(value, label) for value, label in qualifications]
        self.language.choices = [SelectChoice("", _l("Any language"))] + [
            SelectChoice(code, name) for code, name in SPOKEN_LANGUAGES]
        self.organisation.choices = [SelectChoice(None, _l("Any organisation"))] + [
            SelectChoice(org.id, org.name) for org in organisations]

    def filters(self) -> dict:
        """The valid, non-empty filters; an invalid value is ignored rather than failing the page."""
        self.validate()
        return {name: field.data for name, field in self._fields.items()
                if field.data not in (None, "") and not field.errors}


class OrganisationForm(Form):
    """A partner organisation (admins only)."""

    name = StringField(_l("Name"), validators=[
        DataRequired(_l("Write the organisation's name.")), Length(max=120, message=_l("Write at most %(max)d characters."))])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, v) for k, v in ORGANISATION_KINDS.items()],
                       validators=[InputRequired()])
    description = TextAreaField(_l("Description"), validators=[
        Length(max=1000, message=_l("Write at most %(max)d characters."))])


class CoordinatorForm(Form):
    """Grant the coordinator role to an existing account (admins only)."""

    email = EmailField(_l("E-mail of the person's account"), validators=[
        DataRequired(_l("Write the e-mail address.")), ValidEmail()])
    organisations = MultiCheckboxField(_l("Coordinator of"), coerce=int)
    admin = BooleanField(_l("Administrator (sees and manages everything)"))

    def validate_organisations(self, field):
        if not field.data and not self.admin.data:
            raise ValidationError(_l("Choose at least one organisation."))


class NamedInEveryLanguage:
    """Mixin for a form of something everyone reads (a task, a qualification): one name field per site language.
    Swedish is required; a language left empty falls back to it. Build the form class with with_names()."""

    @classmethod
    def with_names(cls):
        fields = {}
        for code in SITE_LOCALES:
            validators = [Length(max=120, message=_l("Write at most %(max)d characters."))]
            if code == "sv":
                validators.insert(0, DataRequired(_l("Write the name in Swedish.")))
            fields[f"name_{code}"] = StringField(code, validators=validators)
        return type(f"{cls.__name__}WithNames", (cls,), fields)

    def fill_names(self, names: dict) -> None:
        for code in SITE_LOCALES:
            self[f"name_{code}"].data = names.get(code, "")

    def names(self) -> dict:
        return {code: self[f"name_{code}"].data for code in SITE_LOCALES if self[f"name_{code}"].data}
