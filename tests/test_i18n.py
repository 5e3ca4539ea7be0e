"""The per-request catalog: found once, and found again whenever the locale changes within the request."""
import re
from datetime import datetime, timezone
from pathlib import Path

from flask import render_template_string, session
from flask_babel import force_locale, refresh

import pytest

import volunteer
from volunteer.i18n import catalog, formats, locale
from volunteer.i18n.formats import clock_time, when
from volunteer.i18n.languages import language_name
from volunteer.i18n.locale import SITE_LOCALES

from .helpers import translated


def test_strings_follow_the_locale_through_force_locale_and_back(app):
    with app.test_request_context(headers={"Accept-Language": "ar"}):
        arabic = catalog.gettext("Open shifts")
        assert arabic == translated(app, "ar", "Open shifts") != "Open shifts"
        assert render_template_string("{{ _('Open shifts') }}") == arabic
        with force_locale("sv"):  # an e-mail in its recipient's language
            swedish = translated(app, "sv", "Open shifts")
            assert catalog.gettext("Open shifts") == swedish
            assert render_template_string("{{ _('Open shifts') }}") == swedish
            assert catalog.current_locale() == "sv"
        assert catalog.gettext("Open shifts") == arabic
        assert render_template_string("{{ _('Open shifts') }}") == arabic
        assert catalog.current_locale() == "ar"


def test_a_refreshed_locale_is_found_again(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert catalog.current_locale() == "en"
        session[locale.SESSION_KEY] = "fa"  # the language switcher's choice, within the same request
        refresh()
        assert catalog.current_locale() == "fa"
        assert catalog.gettext("Open shifts") == translated(app, "fa", "Open shifts")


def test_plurals_and_placeholders(app):
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        assert catalog.ngettext("%(num)d shift", "%(num)d shifts", 1) == translated(app, "sv", "%(num)d shift", num=1)
        assert render_template_string("{{ ngettext('%(num)d shift', '%(num)d shifts', 3) }}") == "3 pass"


def test_outside_a_request_strings_stay_as_written():
    assert catalog.gettext("Open shifts") == "Open shifts"
    assert catalog.ngettext("%(num)d shift", "%(num)d shifts", 2) == "2 shifts"


def test_times_are_stockholms():
    winter = datetime(2026, 1, 15, 12, 0, tzinfo=timezone.utc)
    assert formats.to_user_timezone(winter).hour == 13
    assert formats.to_user_timezone(datetime(2026, 7, 15, 12, 0)).hour == 14  # naive means UTC


def test_the_code_translates_through_volunteer_i18n():
    """One path for every string: flask_babel's own gettext would find the catalog again on every call."""
    package = Path(volunteer.__file__).parent
    direct = [str(path.relative_to(package)) for path in package.rglob("*.py")
              if path.relative_to(package) != Path("i18n/catalog.py")
              and re.search(r"^from flask_babel import .*\b(n?gettext|lazy_gettext|to_user_timezone)\b",
                            path.read_text(), re.M)]
    assert direct == []


def test_the_flask_babel_internals_the_catalog_relies_on_are_still_there(app):
    """volunteer/i18n/catalog.py reads Flask-Babel's per-request context: after an upgrade that renames it, this
    fails here instead of every page silently falling back to untranslated text."""
    import flask_babel
    from flask_babel import speaklater

    for name in ("_get_current_context", "get_locale", "get_translations", "force_locale", "refresh"):
        assert callable(getattr(flask_babel, name, None)), f"flask_babel.{name} is gone"
    assert hasattr(speaklater, "LazyString")
    with app.test_request_context(headers={"Accept-Language": "ar"}):
        flask_babel.get_locale()
        context = flask_babel._get_current_context()
        assert str(getattr(context, "babel_locale", None)) == "ar", "the context no longer keeps babel_locale"
        assert catalog.gettext("Open shifts") == translated(app, "ar", "Open shifts")


@pytest.mark.parametrize("locale", SITE_LOCALES)
def test_times_are_on_the_24_hour_clock_in_every_language(app, locale):
    """Six in the evening is 18:00 in every language (CLDR's short time said "6:00 PM" and "6:00 م")."""
    evening = datetime(2026, 12, 9, 17, 0, tzinfo=timezone.utc)  # 18:00 in Stockholm
    with app.test_request_context(), force_locale(locale):
        assert clock_time(evening) == "18:00" and "18:00" in when(evening)


def test_languages_are_named_as_people_here_name_them(app):
    """Pashto is not "afghanska"; the two Kurdish entries say which Kurdish; Somali calls Dari "Dari"."""
    with app.test_request_context():
        with force_locale("sv"):
            assert language_name("ps") == "pashto"
        for locale in SITE_LOCALES:
            with force_locale(locale):
                assert language_name("ckb") != language_name("ku"), locale
                assert "Bartamaha" not in language_name("ckb")
        with force_locale("so"):
            assert language_name("prs") == "Dari" and language_name("fa") == "Faarisi"
