"""What every template can use: the site's filters and globals."""
from markupsafe import Markup, escape

from ..i18n.catalog import current_locale
from ..i18n.formats import (clock_time, date_and_times, date_range, day, day_month, join_list, left_to_right, long_date,
                            month_name, number, short_day, short_month, span, time_range, weekday, weekday_number,
                            when)
from ..i18n.languages import COMMON_LANGUAGES, language_name, localized, site_locale_options, text_direction


def init_app(app) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    from ..labels import availability_labels, skill_label
    from ..mail import refused_since
    from ..rules.people import has_been_approved, may_deactivate, may_decide, may_toggle_active
    from ..rules.shifts import may_book_shifts
    from ..rules.trainings import may_take_trainings
    from .forms import display_phone
    app.jinja_env.globals.update(
        current_locale=current_locale,
        text_direction=text_direction,
        site_locale_options=site_locale_options,
        may_take_trainings=may_take_trainings,
        may_book_shifts=may_book_shifts,
        may_decide=may_decide,
        may_toggle_active=may_toggle_active,
        may_deactivate=may_deactivate,
        has_been_approved=has_been_approved,
        mail_refused_since=refused_since,
        common_languages=COMMON_LANGUAGES,
    )
    app.jinja_env.filters.update(
        phone=display_phone, join_list=join_list, when=when, day=day, long_date=long_date, clock_time=clock_time,
        language_name=language_name, localized=localized, span=span, short_day=short_day, time_range=time_range,
        weekday=weekday, number=number, ltr=left_to_right, date_and_times=date_and_times, month_name=month_name,
        date_range=date_range, short_month=short_month, day_month=day_month,
        weekday_number=weekday_number, skill_label=skill_label, availability_labels=availability_labels,
        link_phrase=link_phrase)


def link_phrase(text: str, phrase: str, url: str) -> Markup:
    """The text with its first mention of the phrase as a link to url (both escaped)."""
    return escape(text).replace(escape(phrase), Markup('<a href="{}">{}</a>').format(url, phrase), 1)
