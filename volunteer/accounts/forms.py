"""The forms of signing up, correcting one's details and signing in."""
from wtforms import BooleanField, EmailField, StringField, TelField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..i18n.catalog import lazy_gettext as _l
from ..i18n.languages import SPOKEN_LANGUAGES
from ..labels import AVAILABILITY, OTHER_LANGUAGE, SKILLS
from ..web.forms import Form, MobilePhone, MultiCheckboxField, ValidEmail


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
    # Optional: on a phone it was the longest field, and nobody is turned away for leaving it empty.
    motivation = TextAreaField(_l("Why do you want to volunteer?"), filters=[lambda text: text or ""], validators=[
        Optional(), Length(max=1000, message=_l("Write at most %(max)d characters.")),
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


class DetailsForm(Form):
    """A person's corrections to their own details: the application's fields, e-mail aside."""

    full_name = SignupForm.full_name
    phone = SignupForm.phone
    languages = SignupForm.languages
    other_languages = SignupForm.other_languages
    skills = SignupForm.skills
    availability = SignupForm.availability
    organisations = SignupForm.organisations
    motivation = SignupForm.motivation
    validate_other_languages = SignupForm.validate_other_languages


class SignInForm(Form):
    """Ask for a one-time sign-in link."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Write your e-mail address.")), ValidEmail()])
