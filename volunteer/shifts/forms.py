"""Coordinators' forms for sites, tasks and shifts, and on a roster: finding a volunteer, booking them by hand."""
from datetime import date, datetime, time

from wtforms import (BooleanField, DateField, HiddenField, IntegerField, RadioField, SearchField, SelectField,
                     StringField, TextAreaField, TimeField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from ..clock import STOCKHOLM, at
from ..i18n.catalog import lazy_gettext as _l
from ..i18n.catalog import ngettext
from ..i18n.languages import SPOKEN_LANGUAGES, spoken_languages
from ..models import ShiftLanguage
from ..trainings.forms import MAX_WEEKS
from ..web.forms import Form, MultiCheckboxField, NamedInEveryLanguage, WallClockExists, optional_int, within_reason

SITE_KINDS = {"evacuation_housing": _l("Evacuation housing"), "meeting_place": _l("Meeting place")}
TEXT_LIMIT = _l("Write at most %(max)d characters.")


class SiteForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Write the site's name.")),
                                               Length(max=160, message=TEXT_LIMIT)])
    organisation_id = SelectField(_l("Run by"), coerce=int, validate_choice=True)
    kind = SelectField(_l("Kind of site"), choices=[SelectChoice(key, label) for key, label in SITE_KINDS.items()],
                       validate_choice=True)
    address = StringField(_l("Address"), validators=[DataRequired(_l("Write the address.")),
                                                     Length(max=200, message=TEXT_LIMIT)])
    access_notes = TextAreaField(_l("How to get in"), validators=[Length(max=1000, message=TEXT_LIMIT)])
    contact_on_duty = StringField(_l("Contact on duty"), validators=[Length(max=200, message=TEXT_LIMIT)])
    target_group_ids = MultiCheckboxField(_l("Target groups"), coerce=int, validate_choice=True)

    def populate_obj(self, obj):
        """The columns; the view sets the target groups, which are rows, not a column."""
        for name, field in self._fields.items():
            if name != "target_group_ids":
                field.populate_obj(obj, name)


class TaskForm(NamedInEveryLanguage, Form):
    """A kind of work, named in every site language; Swedish is required, the others fall back to it."""

    code = StringField(_l("Short code"), validators=[
        DataRequired(_l("Write a short code.")), Length(max=40, message=TEXT_LIMIT),
        Regexp(r"^[a-z0-9_]+$", message=_l("Use small letters a–z, digits and _ only."))])
    target_group_ids = MultiCheckboxField(_l("Target groups"), coerce=int, validate_choice=True)


class ShiftForm(Form):
    """A shift at a site: Stockholm wall-clock times on one day (a shift does not run past midnight)."""

    site_id = SelectField(_l("Site"), coerce=int, validate_choice=True)
    task_id = SelectField(_l("Task"), coerce=int, validate_choice=True)
    day = DateField(_l("Date"), validators=[InputRequired(_l("Choose a date.")), within_reason])
    start = TimeField(_l("Starts"), validators=[InputRequired(_l("Choose a time.")), WallClockExists()])
    end = TimeField(_l("Ends"), validators=[InputRequired(_l("Choose a time.")), WallClockExists()])
    places = IntegerField(_l("Places"), validators=[
        InputRequired(_l("Write a number.")),
        NumberRange(min=1, max=50, message=_l("Write a number from %(min)s to %(max)s."))])
    qualification_id = SelectField(_l("Requires the qualification"), coerce=optional_int, validate_choice=True)
    requires_record_check = BooleanField(_l("Requires a valid criminal-record extract (work with children)"))
    languages = MultiCheckboxField(_l("Languages wanted"), choices=[SelectChoice(code) for code, _ in SPOKEN_LANGUAGES],
                                   validate_choice=True)
    notes = TextAreaField(_l("Note for volunteers"), validators=[Length(max=500, message=TEXT_LIMIT)])
    target_group_ids = MultiCheckboxField(_l("Target groups"), coerce=int, validate_choice=True)

    def validate_end(self, field):
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError(_l("The end must come after the start."))

    def times_on(self, day: date) -> tuple[datetime, datetime]:
        """Start and end on a day at the form's Stockholm wall-clock times (the same across DST)."""
        return at(day, self.start.data), at(day, self.end.data)

    def apply_to(self, shift, day: date) -> None:
        """Everything but the places taken; the caller checks the places first."""
        shift.site_id, shift.task_id = self.site_id.data, self.task_id.data
        shift.starts_at, shift.ends_at = self.times_on(day)
        shift.places = self.places.data
        shift.required_qualification_id = self.qualification_id.data
        shift.requires_record_check = self.requires_record_check.data
        shift.notes = self.notes.data or ""
        wanted = set(self.languages.data or [])
        shift.languages = [language for language in shift.languages if language.code in wanted] + [
            ShiftLanguage(code=code) for code in sorted(wanted - {language.code for language in shift.languages})]


class NewShiftForm(ShiftForm):
    weeks = IntegerField(_l("Number of weekly shifts"), default=1, validators=[
        InputRequired(_l("Write a number.")),
        NumberRange(min=1, max=MAX_WEEKS, message=_l("Write a number from %(min)s to %(max)s."))])


SERIES_SCOPES = [SelectChoice("one", _l("Only this shift")),
                 SelectChoice("following", _l("This and the following shifts of the series"))]


class EditShiftForm(ShiftForm):
    scope = RadioField(_l("Change"), choices=SERIES_SCOPES, default="one", validators=[Optional()])

    def show(self, shift) -> None:
        """The shift as it is, in the fields whose names or forms differ from its columns."""
        self.day.data, self.start.data = local_parts(shift.starts_at)
        self.end.data = local_parts(shift.ends_at)[1]
        self.qualification_id.data = shift.required_qualification_id
        self.languages.data = shift.language_codes


class CancelShiftForm(Form):
    scope = RadioField(_l("Cancel"), choices=SERIES_SCOPES, default="one", validators=[Optional()])
    reason = TextAreaField(_l("Why (optional)"), filters=[lambda text: text.strip() if text else text],
                           validators=[Optional(), Length(max=500, message=_l("Write at most %(max)d characters."))])


def local_parts(moment: datetime) -> tuple[date, time]:
    local = moment.astimezone(STOCKHOLM)
    return local.date(), local.time()


class PersonSearchForm(Form):
    """Approved volunteers by name or e-mail (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Name or e-mail"), validators=[
        Length(max=120, message=_l("Write at most %(max)d characters."))])


class AddPersonForm(Form):
    """Book one of the search results; the search travels along so a refusal shows the same results."""

    person_id = IntegerField(validators=[InputRequired(_l("Choose a volunteer from the search results."))])
    q = HiddenField()
    # The rules of the shift the coordinator was shown the person does not meet, and why they book them anyway.
    overrides = HiddenField()
    override_reason = TextAreaField(_l("Why book them anyway?"), validators=[
        Length(max=500, message=TEXT_LIMIT)])

    def overridden(self) -> set[str]:
        return set((self.overrides.data or "").split())


# The needs overview looks this many days ahead; anything else in the address is refused next to the field.
NEEDS_HORIZONS = (3, 7, 14)


def _days(value):
    """The horizon as a number of days; a value that is no number becomes None, which the form refuses."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class NeedsFilterForm(Form):
    """The needs overview's filters (GET, no CSRF): a wanted language nobody coming speaks, only shifts with free
    places, and how many days ahead. A refused value is shown with its message and left out of the filtering."""

    class Meta:
        csrf = False

    language = SelectField(_l("Missing language"), validate_choice=False)
    free = BooleanField(_l("Only shifts with free places"))
    days = SelectField(_l("Days ahead"), coerce=_days, default=NEEDS_HORIZONS[-1], validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = [SelectChoice("", _l("Any language"))] + [
            SelectChoice(language.code, language.local_name) for language in spoken_languages()]
        self.days.choices = [SelectChoice(days, ngettext("%(num)d day", "%(num)d days", days))
                             for days in NEEDS_HORIZONS]

    def validate_language(self, field):
        if field.data and field.data not in dict(SPOKEN_LANGUAGES):
            raise ValidationError(_l("Choose a language from the list."))

    def validate_days(self, field):
        if field.data not in NEEDS_HORIZONS:
            raise ValidationError(_l("Choose 3, 7 or 14 days."))

    def filters(self) -> tuple[str | None, bool, int]:
        """The missing language, free places only, and the days ahead; a refused value counts as not given."""
        self.validate()
        language = None if self.language.errors else self.language.data or None
        days = NEEDS_HORIZONS[-1] if self.days.errors else self.days.data
        return language, bool(self.free.data), days
