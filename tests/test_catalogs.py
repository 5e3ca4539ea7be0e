"""The translation catalogs: every string in the code is in every catalog, translated, and compiled."""
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
SHIPPED = sorted(path.name for path in TRANSLATIONS.iterdir() if (path / "LC_MESSAGES" / "messages.po").exists())
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def catalog(locale: str):
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=locale)


def strings_in_the_code() -> set:
    """What `make extract-messages` would extract, read straight from the sources."""
    with (TRANSLATIONS / "babel.cfg").open() as file:
        method_map, options_map = parse_mapping_cfg(file)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    found = set()
    for pattern, method in method_map:
        for path in ROOT.glob(pattern.replace("**", "**/*")):
            for _, message, _, _ in extract_from_file(method, path, keywords=keywords,
                                                      options=options_map.get(pattern, {})):
                found.add(message if isinstance(message, str) else tuple(message))
    return found


def test_the_site_languages_all_have_a_catalog():
    from volunteer.i18n.locale import SITE_LOCALES

    assert set(SITE_LOCALES) - {"en"} <= set(SHIPPED)


@pytest.mark.parametrize("locale", SHIPPED)
def test_every_string_in_the_code_is_translated(locale):
    shipped = catalog(locale)
    missing, untranslated = [], []
    for message_id in strings_in_the_code():
        key = message_id if isinstance(message_id, str) else message_id[0]
        message = shipped.get(key)
        if message is None:
            missing.append(key)
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy or (isinstance(message_id, tuple) and len(strings) != shipped.num_plurals):
            untranslated.append(key)
    assert not missing, f"{locale}: run `make update-messages`; not in the catalog: {missing[:5]}"
    assert not untranslated, f"{locale}: untranslated or fuzzy: {untranslated[:5]}"


@pytest.mark.parametrize("locale", SHIPPED)
def test_translations_keep_the_placeholders(locale):
    wrong = []
    for message in catalog(locale):
        if not message.id or not message.string:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        # A plural form for one or two may spell the number out; the last (general) form keeps them all.
        if set(PLACEHOLDER.findall(strings[-1])) != wanted or any(
                not set(PLACEHOLDER.findall(text)) <= wanted for text in strings):
            wrong.append(ids[0])
    assert not wrong, f"{locale}: {wrong[:5]}"


@pytest.mark.parametrize("locale", SHIPPED)
def test_compiled_catalogs_are_not_older_than_their_sources(locale):
    source = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    compiled = source.with_suffix(".mo")
    assert compiled.exists(), f"{compiled} is missing: run `make translations`"
    assert compiled.stat().st_mtime >= source.stat().st_mtime, f"{compiled} is stale: run `make translations`"


def test_arabic_plurals_follow_the_catalogs_plural_rule(app):
    """Babel's rule for Arabic picks form 4 for 100–102 (…) and form 5 for 11–99: the forms must be in that order."""
    from flask_babel import force_locale, ngettext

    with app.test_request_context(), force_locale("ar"):
        assert ngettext("%(num)d person", "%(num)d people", 5) == "5 أشخاص"
        assert ngettext("%(num)d person", "%(num)d people", 11) == "11 شخصًا"
        assert ngettext("%(num)d person", "%(num)d people", 100) == "100 شخص"
