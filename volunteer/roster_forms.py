"""Coordinators' forms on a shift's roster: finding a volunteer and booking them by hand."""
from wtforms import HiddenField, IntegerField, SearchField
from wtforms.validators import InputRequired, Length

from .i18n.catalog import lazy_gettext as _l
from .web.forms import Form


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
