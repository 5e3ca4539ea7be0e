"""The coordinators' overview under today and tomorrow: its figures against a small hand-made data set, its charts
and tables, and its statements, which stay the same however much there is."""
import re
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select

from volunteer import clock
from volunteer.extensions import db
from volunteer.models import BookingStatus, Organisation, Status, StatusChange, User
from volunteer.overview import overview

from .helpers import LOCALES, page_text, put_on, signed_in, statements_of, translated

NOW = datetime(2026, 10, 21, 8, 0, tzinfo=timezone.utc)  # a Wednesday; the week began on Monday 19 October
pytestmark = pytest.mark.now(NOW)
TODAY = date(2026, 10, 21)


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return clock.at(day, time(hour, minute))


@pytest.fixture
def person(app, make_user):
    """A volunteer who signed up at a given moment, approved then (or not), preferring some organisations."""

    def factory(email, signed_up, approved=None, languages=("sv",), prefers=()):
        made = make_user(email, full_name=email.split("@")[0].title(), languages=languages, created_at=signed_up,
                         status=Status.APPROVED if approved else Status.CONFIRMED)
        with app.app_context():
            user = db.session.get(User, made.id)
            for name in prefers:
                user.preferred_organisations.append(db.session.scalar(select(Organisation).where(Organisation.name == name)))
            if approved:
                db.session.add(StatusChange(user_id=user.id, from_status=Status.CONFIRMED, to_status=Status.APPROVED,
                                            changed_at=approved))
            db.session.commit()
        return made

    return factory


@pytest.fixture
def hand_made(app, coordinator, make_shift, make_organisation, person):
    """Five people in FRG Testby's scope and one who chose only the Red Cross; shifts worked in September and
    October; shifts coming at two of FRG's sites and one of the Red Cross's."""
    make_organisation("Röda Korset", kind="red_cross")
    ann = person("ann@example.org", at(date(2026, 10, 19)), approved=at(date(2026, 10, 20)))  # 1 day
    person("bo@example.org", at(date(2026, 10, 20)))
    cay = person("cay@example.org", at(date(2026, 10, 5)), approved=at(date(2026, 10, 8)), languages=("sv", "ar"))  # 3
    dan = person("dan@example.org", at(date(2026, 8, 1)), approved=at(date(2026, 10, 10)), languages=("sv", "so"))  # 70
    person("eve@example.org", at(date(2026, 10, 20)), prefers=("Röda Korset",), languages=("sv", "ti"))
    vic = person("vic@example.org", at(date(2026, 1, 5)), languages=("sv", "fa"))
    with app.app_context():
        db.session.get(User, vic.id).status = Status.APPROVED
        db.session.commit()

    # Cay's first shift: 7 days 7 hours after signing up; Dan's: 60 days after, then one with check-in times.
    put_on(app, make_shift(starts_at=at(date(2026, 10, 12), 17), hours=3), cay, BookingStatus.ATTENDED)
    put_on(app, make_shift(starts_at=at(date(2026, 9, 30), 10), hours=3), dan, BookingStatus.ATTENDED)
    put_on(app, make_shift(starts_at=at(date(2026, 10, 14), 17), hours=3), dan, BookingStatus.ATTENDED,
           checked_in_at=at(date(2026, 10, 14), 17, 10), checked_out_at=at(date(2026, 10, 14), 19, 40))
    put_on(app, make_shift(starts_at=at(date(2026, 10, 15), 17), hours=3), ann, BookingStatus.NO_SHOW)
    put_on(app, make_shift(site="Annan plats", organisation="Röda Korset", starts_at=at(date(2026, 10, 13), 17)),
           dan, BookingStatus.ATTENDED)
    put_on(app, make_shift(starts_at=at(date(2026, 4, 15), 17)), vic, BookingStatus.ATTENDED)  # before May

    today = make_shift(starts_at=at(TODAY, 17), places=3, languages=("ar",))
    put_on(app, today, vic)
    filled = make_shift(starts_at=at(TODAY + timedelta(days=2), 17), places=2, languages=("ar", "ti"))
    put_on(app, filled, vic)
    put_on(app, filled, cay)
    meeting = make_shift(site="Mötesplatsen", starts_at=at(TODAY + timedelta(days=13), 9), places=4)
    put_on(app, meeting, ann)
    put_on(app, meeting, dan)
    make_shift(site="Mötesplatsen", starts_at=at(TODAY + timedelta(days=14), 9), places=4, languages=("uk",))
    make_shift(site="Mötesplatsen", starts_at=at(TODAY + timedelta(days=1), 9), places=4,
               cancelled_at=at(TODAY, 7), languages=("uk",))
    make_shift(site="Annan plats", organisation="Röda Korset", starts_at=at(TODAY, 17), languages=("ru",))
    return coordinator


def figures(app, coordinator):
    with app.test_request_context():
        found = overview(db.session.get(User, coordinator.id), NOW)
        return found, [(row.site.name, row.cells) for row in found.sites]


def test_applicants_per_week_and_the_median_days_to_approval_and_to_a_first_shift(app, hand_made):
    found, _ = figures(app, hand_made)
    assert [week.first_day for week in found.weeks][0] == date(2026, 8, 31)
    assert [week.applicants for week in found.weeks] == [0, 0, 0, 0, 0, 1, 0, 2], "Eve chose only the Red Cross"
    assert found.days_to_approval == 3.0, "the middle of 1, 3 and 70 days"
    # Cay: 7 days 7 hours; Dan: 60 days; the median of two is their mean, 33.65 days.
    assert found.days_to_first_shift == 33.6


def test_hours_per_month_are_the_hours_reports_at_the_organisations_sites(app, hand_made):
    found, _ = figures(app, hand_made)
    assert [month.first_day for month in found.months] == [date(2026, m, 1) for m in range(5, 11)]
    # October: Cay's three hours and Dan's 2.5 from check-in to check-out; not the no-show, not the Red Cross.
    assert [month.hours for month in found.months] == [0, 0, 0, 0, 3, 5.5]


def test_the_next_fourteen_days_per_site_with_free_places_and_uncovered_languages(app, hand_made):
    found, sites = figures(app, hand_made)
    assert found.days == [TODAY + timedelta(days=n) for n in range(14)]
    assert [name for name, _ in sites] == ["Boende Testby", "Mötesplatsen"], "own sites only, by name"
    testby, meeting = (cells for _, cells in sites)
    assert (testby[0].places, testby[0].taken, testby[0].level, testby[0].uncovered) == (3, 1, "many", ["ar"])
    assert (testby[2].places_left, testby[2].level, testby[2].uncovered) == (0, "filled", ["ti"]), "Cay speaks ar"
    assert (meeting[13].places_left, meeting[13].level, meeting[13].uncovered) == (2, "some", [])
    assert meeting[1].level == "none", "a cancelled shift is not coming"
    assert sum(cell.shifts for _, cells in sites for cell in cells) == 3, "the fifteenth day is outside"


def test_approved_volunteers_per_language_against_the_languages_shifts_want(app, hand_made):
    found, _ = figures(app, hand_made)
    assert [(language.code, language.volunteers, language.shifts) for language in found.languages] == [
        ("ar", 1, 2), ("ti", 0, 1), ("sv", 4, 0), ("fa", 1, 0), ("so", 1, 0)]


def test_the_page_draws_each_chart_with_its_table_below_today_and_tomorrow(app, hand_made):
    html = page_text(signed_in(app, hand_made).get("/coordinator/"))
    assert html.index(translated(app, "sv", "Tomorrow")) < html.index('id="overview-heading"')
    for chart in ("applicants-chart", "hours-chart", "coming-chart", "languages-chart"):
        assert f'aria-labelledby="{chart}-title"' in html
    for table in ("overview-weeks", "overview-months", "overview-days", "overview-languages"):
        assert f'id="{table}"' in html
    assert '<dd id="days-to-approval">3</dd>' in html and '<dd id="days-to-first-shift">33,6</dd>' in html
    assert "<td>5,5</td>" in html, "October's hours in the table"
    assert html.count('class="grid__cell grid__cell--many"') == 1 and html.count("grid__cell--filled") == 1
    assert translated(app, "sv", "nobody speaks %(languages)s yet", languages="tigrinja") in html
    assert "Annan plats" not in html and "style=" not in html


@pytest.mark.parametrize("locale", LOCALES)
def test_the_overview_reads_in_every_language_and_mirrors_right_to_left(app, hand_made, locale):
    with app.app_context():
        db.session.get(User, hand_made.id).locale = locale
        db.session.commit()
    html = page_text(signed_in(app, hand_made).get("/coordinator/"))
    assert f'lang="{locale}"' in html and 'id="overview-heading"' in html
    labels = [float(x) for x in re.findall(r'<text x="([\d.]+)" y="214"', html)[:2]]
    assert len(labels) == 2
    if locale in ("ar", "fa"):
        assert labels[0] > labels[1], "right to left the first week stands at the right"
    else:
        assert labels[0] < labels[1]


def test_the_overview_takes_as_many_statements_for_many_people_and_shifts_as_for_a_few(app, hand_made, make_shift,
                                                                                      person):
    client = signed_in(app, hand_made)
    client.get("/coordinator/")

    def count():
        with statements_of(app) as found:
            assert client.get("/coordinator/").status_code == 200
        return len(found)

    few = count()
    for n in range(12):
        someone = person(f"p{n}@example.org", at(date(2026, 9, 1) + timedelta(days=5 * n)),
                         approved=at(date(2026, 10, 1) + timedelta(days=n)), languages=("sv", ("ar", "fa", "so")[n % 3]))
        shift = make_shift(site=f"Plats {n}", starts_at=at(TODAY + timedelta(days=n), 12), places=3,
                           languages=(("uk", "ti")[n % 2],))
        put_on(app, shift, someone)
        put_on(app, make_shift(site=f"Plats {n}", starts_at=at(date(2026, 6 + n % 4, 3), 12)), someone,
               BookingStatus.ATTENDED)
    assert count() == few, "the overview's statements do not grow with the data"
