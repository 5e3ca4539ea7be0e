"""Coordinators' forms for trainings, sessions and qualifications granted by hand."""
from datetime import datetime, timedelta

from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from ..clock import at
from ..i18n.catalog import lazy_gettext as _l
from ..i18n.languages import SPOKEN_LANGUAGES
from ..i18n.locale import SITE_LOCALES
from ..web.forms import Form, NamedInEveryLanguage, ValidEmail, WallClockExists, within_reason

MAX_WEEKS = 26


class TrainingForm(Form):
    """A course: what it is, who runs it and which qualification it gives."""

    title = StringField(_l("Title in Swedish"), validators=[
        DataRequired(_l("Write a title.")), Length(max=160, message=_l("Write at most %(max)d characters."))])
    description = TextAreaField(_l("Description in Swedish"), validators=[
        Length(max=2000, message=_l("Write at most %(max)d characters."))])
    organisation_id = SelectField(_l("Organiser"), coerce=int, validate_choice=True)
    qualification_id = SelectField(_l("Gives the qualification"), coerce=int, validate_choice=True)
    repeatable = BooleanField(_l("A person may take several sessions of this training"))

    # The title and description above are the Swedish ones; these are the other site languages.
    OTHER_LOCALES = [code for code in SITE_LOCALES if code != "sv"]

    @classmethod
    def with_translations(cls):
        """The form class with a title and a description field for each other site language."""
        fields = {}
        for code in cls.OTHER_LOCALES:
            fields[f"title_{code}"] = StringField(_l("Title"), validators=[
                Length(max=160, message=_l("Write at most %(max)d characters."))])
            fields[f"description_{code}"] = TextAreaField(_l("Description"), validators=[
                Length(max=2000, message=_l("Write at most %(max)d characters."))])
        return type("TrainingTranslationsForm", (cls,), fields)

    def translated(self, name: str) -> dict:
        """{locale: text} of the other languages' title or description fields that are filled in."""
        return {code: self[f"{name}_{code}"].data.strip() for code in self.OTHER_LOCALES
                if (self[f"{name}_{code}"].data or "").strip()}

    def fill_translations(self, training) -> None:
        for code in self.OTHER_LOCALES:
            self[f"title_{code}"].data = (training.titles or {}).get(code, "")
            self[f"description_{code}"].data = (training.descriptions or {}).get(code, "")


class SessionForm(Form):
    """A dated occurrence of a training."""

    day = DateField(_l("Date"), validators=[InputRequired(_l("Choose a date.")), within_reason])
    start = TimeField(_l("Starts"), validators=[InputRequired(_l("Choose a time.")), WallClockExists()])
    end = TimeField(_l("Ends"), validators=[InputRequired(_l("Choose a time.")), WallClockExists()])
    place = StringField(_l("Place"), validators=[
        DataRequired(_l("Write where it takes place.")),
        Length(max=200, message=_l("Write at most %(max)d characters."))])
    language = SelectField(_l("Language of instruction"), validate_choice=True)
    seats = IntegerField(_l("Seats"), validators=[
        InputRequired(_l("Write a number.")),
        NumberRange(min=1, max=500, message=_l("Write a number from %(min)s to %(max)s."))])
    def __init__(self, *args, language_names=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = [(code, (language_names or {}).get(code, code)) for code, _ in SPOKEN_LANGUAGES]

    def validate_end(self, field):
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError(_l("The end must come after the start."))

    def occurrences(self, weeks: int = 1) -> list[tuple[datetime, datetime]]:
        """Start and end of each weekly occurrence, at the same Stockholm wall-clock time across DST."""
        result = []
        for week in range(weeks):
            day = self.day.data + timedelta(weeks=week)
            result.append((at(day, self.start.data), at(day, self.end.data)))
        return result


class NewSessionForm(SessionForm):
    """A new session: one-off, or the same weekday and time for several weeks."""

    weeks = IntegerField(_l("Number of weekly sessions"), default=1, validators=[
        InputRequired(_l("Write a number.")),
        NumberRange(min=1, max=MAX_WEEKS, message=_l("Write a number from %(min)s to %(max)s."))])


class GrantForm(Form):
    """A qualification recorded by hand, e.g. for a training taken elsewhere."""

    email = StringField(_l("The volunteer's e-mail address"), validators=[
        DataRequired(_l("Write the volunteer's e-mail address.")), ValidEmail()])
    qualification_id = SelectField(_l("Qualification"), coerce=int, validate_choice=True)
    reason = TextAreaField(_l("Reason"), validators=[
        DataRequired(_l("Write why, for example where the training was taken.")),
        Length(max=500, message=_l("Write at most %(max)d characters."))])


class QualificationForm(NamedInEveryLanguage, Form):
    """What a training gives, named in every site language, and how long it lasts."""

    code = StringField(_l("Short code"), validators=[
        DataRequired(_l("Write a short code.")), Length(max=40, message=_l("Write at most %(max)d characters.")),
        Regexp(r"^[a-z0-9_]+$", message=_l("Use small letters a–z, digits and _ only."))])
    validity_months = IntegerField(_l("Valid for (months)"), validators=[
        Optional(), NumberRange(min=1, max=120, message=_l("Write a number from %(min)s to %(max)s."))])
