"""The form a coordinator writes a message in: the text, who can be reached how, and optional versions in the site's
other languages."""
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..i18n.catalog import lazy_gettext as _l
from ..i18n.locale import SITE_LOCALES
from ..web.forms import Form

SUBJECT_MAX = 150
TEXT_MAX = 5000
TOO_LONG = _l("Write at most %(max)d characters.")


class MessageForm(Form):
    """A message to an audience, previewed before it is sent."""

    language = SelectField(_l("Language you write in"), validate_choice=True)
    subject = StringField(_l("Subject"), validators=[DataRequired(_l("Write a subject.")),
                                                     Length(max=SUBJECT_MAX, message=TOO_LONG)])
    text = TextAreaField(_l("Message"), validators=[DataRequired(_l("Write the message.")),
                                                    Length(max=TEXT_MAX, message=TOO_LONG)])
    contact = StringField(_l("How they can reach you (optional)"), validators=[Optional(), Length(max=200,
                                                                                                   message=TOO_LONG)])
    waitlist = BooleanField(_l("Also the people on the waitlist"))
    # How many the preview said it goes to: sending to another number shows the preview again.
    previewed = HiddenField()
    preview = SubmitField(_l("Preview"))
    send = SubmitField(_l("Send"))

    def __init__(self, language_names: dict, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = [SelectChoice(code, language_names[code]) for code in SITE_LOCALES]

    def versions(self) -> dict:
        """The versions written in other languages than the message's own: {locale: (subject, text)}."""
        return {code: (self[f"subject_{code}"].data or self.subject.data, self[f"text_{code}"].data)
                for code in SITE_LOCALES if self[f"text_{code}"].data and code != self.language.data}

    def validate_language(self, field):
        # A value that is not a site language is already refused as no valid choice; it names no version field.
        if field.data in SITE_LOCALES and self[f"text_{field.data}"].data:
            raise ValidationError(_l("There is also a version in this language below: leave one of them empty."))


for _code in SITE_LOCALES:
    setattr(MessageForm, f"subject_{_code}", StringField(_l("Subject"), validators=[
        Optional(), Length(max=SUBJECT_MAX, message=TOO_LONG)]))
    setattr(MessageForm, f"text_{_code}", TextAreaField(_l("Message"), validators=[
        Optional(), Length(max=TEXT_MAX, message=TOO_LONG)]))


class CallOutForm(Form):
    """Asking the volunteers a call-out's page lists; sent only for the number the page showed."""

    previewed = HiddenField()
    send = SubmitField(_l("Ask them"))
