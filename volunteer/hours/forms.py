"""Forms for hours, certificates and their verification."""
from wtforms import DateField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from .. import clock
from ..i18n.catalog import lazy_gettext as _l
from ..web.forms import Form, MultiCheckboxField, within_reason
from .certificates import CERTIFICATE_LOCALES, normalize_code
from .partnership import MAX_MONTHS, months_of


def after_start(form, field):
    if form.start.data and field.data and field.data < form.start.data:
        raise ValidationError(_l("The end must come after the start."))


class PeriodForm(Form):
    """A period of Stockholm calendar days, both included; read from the query string."""

    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Optional(), within_reason])
    end = DateField(_l("To"), validators=[Optional(), within_reason, after_start])


class PartnershipForm(PeriodForm):
    """The partnership report's period, organisations (the view sets the choices: one's own, or all for an admin)
    and the partnership's name for the PDF; read from the query string."""

    organisations = MultiCheckboxField(_l("Partner organisations"), coerce=int, validate_choice=True)
    name = StringField(_l("Name of the partnership"), validators=[
        Optional(), Length(max=160, message=_l("Write at most %(max)d characters."))])

    def validate_end(self, field):
        if self.start.data and field.data and field.data >= self.start.data \
                and len(months_of(self.start.data, field.data)) > MAX_MONTHS:
            raise ValidationError(_l("Choose a period of at most %(num)d months.", num=MAX_MONTHS))


class CertificateForm(Form):
    """The period and language of a certificate; the period has to be over (or end today)."""

    start = DateField(_l("From"), validators=[InputRequired(_l("Choose a date.")), within_reason])
    end = DateField(_l("To"), validators=[InputRequired(_l("Choose a date.")), after_start])
    locale = RadioField(_l("Language of the certificate"), default="sv", validators=[InputRequired()],
                        choices=[SelectChoice(code, label) for code, label in CERTIFICATE_LOCALES.items()])

    def validate_end(self, field):
        if field.data and field.data > clock.local_day(clock.now()):
            raise ValidationError(_l("A certificate covers days that have passed: choose today or earlier."))


class VerifyForm(Form):
    """The code printed on a certificate, as someone types it."""

    class Meta:
        csrf = False

    code = StringField(_l("Verification code"), validators=[
        InputRequired(_l("Type the code printed on the certificate.")),
        Length(max=40, message=_l("Write at most %(max)d characters."))])

    def validate_code(self, field):
        if normalize_code(field.data) is None:
            raise ValidationError(_l("A code has 16 letters and digits, like ABCD-EFGH-JKMN-PQRS."))


class WithdrawForm(Form):
    reason = TextAreaField(_l("Why is it withdrawn?"), validators=[
        InputRequired(_l("Write a reason.")), Length(max=500, message=_l("Write at most %(max)d characters."))])
