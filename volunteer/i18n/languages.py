"""The spoken languages volunteers can name, each named by itself; names kept in several languages."""
from dataclasses import dataclass
from functools import lru_cache

from .catalog import current_locale
from .locale import SITE_LOCALES, locale_data


# Languages volunteers can say they speak, as (stored code, CLDR tag for the name).
# Codes are ISO 639; Dari is stored as ISO 639-3 "prs" and named by CLDR's "fa_AF".
SPOKEN_LANGUAGES = (
    ("sv", "sv"), ("en", "en"), ("ar", "ar"), ("fa", "fa"), ("prs", "fa_AF"),
    ("ps", "ps"), ("so", "so"), ("ti", "ti"), ("am", "am"), ("om", "om"),
    ("uk", "uk"), ("ru", "ru"), ("ckb", "ckb"), ("ku", "ku"), ("tr", "tr"),
    ("ur", "ur"), ("bs", "bs"), ("sq", "sq"), ("fr", "fr"), ("es", "es"),
    ("de", "de"), ("pl", "pl"), ("ro", "ro"), ("sw", "sw"), ("my", "my"),
)

# The languages most people here speak, listed first on the forms; the rest open under "More languages".
COMMON_LANGUAGES = ("sv", "en", "ar", "fa", "prs", "so", "ti", "uk")


@dataclass(frozen=True)
class SpokenLanguage:
    """A spoken language as shown in lists: its own name first."""

    code: str
    tag: str
    autonym: str
    local_name: str
    direction: str


def text_direction(code: str | None = None) -> str:
    """'rtl' or 'ltr' for a language code (the current locale by default)."""
    return locale_data(code or current_locale()).text_direction


# Where CLDR's names mislead here: Pashto is "afghanska" in Swedish; both Kurdish entries read "Kurdish" (or, in
# Somali, "Bartamaha Kurdish"); Somali calls Dari "Faarsi" beside Persian "Faarisi". Each is named by its variety.
NAMES = {
    "ps": {"sv": "pashto"},
    "ckb": {"sv": "kurdiska (sorani)", "en": "Kurdish (Sorani)", "ar": "الكردية (السورانية)", "fa": "کردی (سورانی)",
            "so": "Kurdi (Soraani)", "ti": "ኩርዲሽ (ሶራኒ)", "uk": "курдська (сорані)"},
    "ku": {"sv": "kurdiska (kurmanji)", "en": "Kurdish (Kurmanji)", "ar": "الكردية (الكرمانجية)",
           "fa": "کردی (کرمانجی)", "so": "Kurdi (Kurmaanji)", "ti": "ኩርዲሽ (ኩርማንጂ)", "uk": "курдська (курманджі)"},
    "prs": {"so": "Dari"},
}
AUTONYMS = {"ckb": "کوردی (سۆرانی)"}


def _name(tag: str, in_locale: str) -> str:
    return locale_data(in_locale).languages.get(tag) or tag


def spoken_language(code: str, in_locale: str | None = None) -> SpokenLanguage:
    """One spoken language, named by itself and in the given (or current) locale."""
    return _spoken_language(code, in_locale or current_locale())


@lru_cache(maxsize=1024)
def _spoken_language(code: str, in_locale: str) -> SpokenLanguage:
    tag = dict(SPOKEN_LANGUAGES).get(code, code)
    locale = locale_data(tag)
    return SpokenLanguage(
        code=code,
        tag=tag.replace("_", "-"),
        autonym=AUTONYMS.get(code) or locale.languages.get(tag) or tag,
        local_name=NAMES.get(code, {}).get(in_locale) or _name(tag, in_locale),
        direction=locale.text_direction,
    )


def spoken_languages(in_locale: str | None = None) -> list[SpokenLanguage]:
    """All spoken languages in the list's fixed order."""
    return [spoken_language(code, in_locale) for code, _ in SPOKEN_LANGUAGES]


def language_name(code: str) -> str:
    """A spoken language's name in the current locale ("arabiska")."""
    return spoken_language(code).local_name


def site_locale_options() -> list[SpokenLanguage]:
    """The site's languages for the switcher, each named by itself."""
    return [spoken_language(code) for code in SITE_LOCALES]


# A name kept in several languages falls back to Swedish, then English.
NAME_FALLBACKS = ("sv", "en")


def localized(names: dict, locale: str | None = None) -> str:
    """A name from a dict keyed by locale, in the reader's (or the given) language or a fallback."""
    for code in (locale or current_locale(), *NAME_FALLBACKS):
        if names.get(code):
            return names[code]
    return next(iter(names.values()), "")
