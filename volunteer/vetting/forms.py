"""Coordinators' vetting forms: interviews and decisions, record extracts, status changes, the filters."""
from datetime import date

from dateutil.relativedelta import relativedelta
from flask import request
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SearchField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from ..clock import now
from ..i18n.catalog import lazy_gettext as _l
from ..i18n.formats import to_user_timezone
from ..i18n.languages import SPOKEN_LANGUAGES
from ..labels import AVAILABILITY, SKILLS
from ..models import RecordKind, Status
from ..web.access import organisations_in_scope, qualification_choices
from ..web.forms import Form, clean_text, optional_int, within_reason


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
        InputRequired(_l("Write the date of the interview.")), NotInFuture(), within_reason])
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

    kind = SelectField(_l("Kind of extract"), choices=[SelectChoice(k.value, k.label) for k in RecordKind],
                       validators=[InputRequired(_l("Choose the kind of extract."))])
    seen_on = DateField(_l("Seen on"), default=_stockholm_today, validators=[
        InputRequired(_l("Write the date you saw the extract.")), NotInFuture(), within_reason])
    valid_until = DateField(_l("To be seen again by"),
                            default=lambda: _stockholm_today() + relativedelta(years=1),
                            validators=[InputRequired(_l("Write when the extract must be seen again.")),
                                        within_reason])

    def validate_valid_until(self, field):
        if field.data and self.seen_on.data and field.data <= self.seen_on.data:
            raise ValidationError(_l("This date must come after the date the extract was seen."))


class NameForm(Form):
    """A coordinator confirms, for certificates, the name the person now uses: the name as the page showed it."""

    name = HiddenField(validators=[DataRequired(), Length(max=120)])


class ReasonForm(Form):
    """A status change that must say why (deactivate, reactivate)."""

    reason = TextAreaField(_l("Reason"), validators=[
        DataRequired(_l("Write a reason.")), Length(max=1000, message=_l("Write at most %(max)d characters."))])


class DirectoryFilterForm(FlaskForm):
    """Search and filters for the applicants queue and the volunteer directory (GET, no CSRF)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Name or e-mail"), filters=[clean_text])
    status = SelectField(_l("Status"), choices=[SelectChoice("", _l("Any status"))] + [
        SelectChoice(status.value, status.label) for status in Status], validate_choice=True)
    language = SelectField(_l("Language"), validate_choice=True)
    skill = SelectField(_l("Skill"), choices=[SelectChoice("", _l("Any skill"))] + [
        SelectChoice(k, v) for k, v in SKILLS.items()], validate_choice=True)
    availability = SelectField(_l("Available"), choices=[SelectChoice("", _l("Any time"))] + [
        SelectChoice(k, v) for k, v in AVAILABILITY.items()], validate_choice=True)
    organisation = SelectField(_l("Preferred organisation"), coerce=optional_int, validate_choice=True)
    qualification = SelectField(_l("Qualification"), coerce=optional_int, validate_choice=True)

    def __init__(self, organisations, qualifications=(), *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.qualification.choices = [SelectChoice("", _l("Any qualification"))] + [
            SelectChoice(value, label) for value, label in qualifications]
        self.language.choices = [SelectChoice("", _l("Any language"))] + [
            SelectChoice(code, name) for code, name in SPOKEN_LANGUAGES]
        self.organisation.choices = [SelectChoice("", _l("Any organisation"))] + [
            SelectChoice(org.id, org.name) for org in organisations]

    def filters(self) -> dict:
        """The valid, non-empty filters; an invalid value is ignored rather than failing the page."""
        self.validate()
        return {name: field.data for name, field in self._fields.items()
                if field.data not in (None, "") and not field.errors}


def filter_form() -> DirectoryFilterForm:
    """The queue's and the directory's filters, read from the query string."""
    return DirectoryFilterForm(organisations_in_scope(current_user), qualification_choices(), request.args)
