"""Appointing a lead, the lead's note, and the check-in code a volunteer types."""
from wtforms import DateField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from ..i18n.catalog import lazy_gettext as _l
from ..web.forms import Form, ValidEmail, optional_int, within_reason

NOTE_LIMIT = 1000


class LeadForm(Form):
    """Who leads the site, from which day until which day (Stockholm, both included)."""

    email = EmailField(_l("The volunteer's e-mail address"), validators=[
        DataRequired(_l("Write the e-mail address of an approved volunteer.")), ValidEmail()])
    from_day = DateField(_l("From"), validators=[InputRequired(_l("Choose a date.")), within_reason])
    until_day = DateField(_l("Until"), validators=[InputRequired(_l("Choose a date.")), within_reason])

    def validate_until_day(self, field):
        if self.from_day.data and field.data and field.data < self.from_day.data:
            raise ValidationError(_l("Choose a day on or after the first day."))


class NoteForm(Form):
    """A short note to the coordinators, about one shift or the site's day."""

    shift_id = SelectField(_l("About the shift"), coerce=optional_int, validate_choice=True)
    text = TextAreaField(_l("Note for the coordinators"), validators=[
        DataRequired(_l("Write what happened.")),
        Length(max=NOTE_LIMIT, message=_l("Write at most %(max)d characters."))])


class CodeForm(Form):
    code = StringField(_l("Check-in code"), validators=[
        DataRequired(_l("Write the code shown at the site.")),
        Length(max=20, message=_l("Write the six digits shown at the site."))])
