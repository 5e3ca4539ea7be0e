"""The partnership's follow-up: target groups kept by admins and named by sites, tasks and shifts; the report's
figures per activity, target group and month against a small hand-made data set (a night the clocks go back, a
person since erased, a no-show, another organisation's shift); the small-number rule; need-to-know; the CSV, the
PDF in Swedish, the chart; and a fixed number of statements."""
import csv
import io
import re
from datetime import date, datetime, time, timezone

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from volunteer import clock
from volunteer.extensions import db
from volunteer.hours import totals
from volunteer.models import (Booking, BookingStatus, Enrolment, EnrolmentStatus, Role, Shift, Site, Status,
                              TargetGroup, Task, User)

from .helpers import field_error, page_text, signed_in, statements_of

NOW = datetime(2026, 12, 15, 12, 0, tzinfo=timezone.utc)
FALL_BACK = date(2026, 10, 25)  # Stockholm's clocks go back an hour that night
PERIOD = "start=2026-10-01&end=2026-11-30"

GROUPS = {"newcomers": {"sv": "Nyanlända", "en": "Newcomers", "ar": "الوافدون الجدد"},
          "eu_migrants": {"sv": "EU-migranter", "en": "EU migrants"},
          "children": {"sv": "Ensamkommande barn", "en": "Unaccompanied children"}}


def in_english(app, person):
    client = signed_in(app, person)
    with client.session_transaction() as session:
        session["locale"] = "en"
    return client


def groups_named(*codes) -> list[TargetGroup]:
    return list(db.session.scalars(select(TargetGroup).where(TargetGroup.code.in_(codes)).order_by(TargetGroup.id)))


def attended(app, shift, people, status=BookingStatus.ATTENDED):
    with app.app_context():
        for person in people:
            db.session.add(Booking(shift_id=shift.id, user_id=person.id, status=status))
        db.session.commit()


def serves(app, shift, *codes):
    with app.app_context():
        db.session.get(Shift, shift.id).target_groups = groups_named(*codes)
        db.session.commit()


@pytest.fixture
def target_groups(app):
    with app.app_context():
        db.session.add_all(TargetGroup(code=code, names=names) for code, names in GROUPS.items())
        db.session.commit()


@pytest.fixture
def red_cross(make_organisation):
    return make_organisation("Röda Korset Testby", kind="red_cross")


@pytest.fixture
def municipality(make_organisation):
    return make_organisation("Testby kommun", kind="municipality")


@pytest.fixture
def partnership(app, target_groups, red_cross, municipality, make_shift, make_user, make_session):
    """The Red Cross's meeting place and the municipality's housing in October and November; FRG's shift is no
    part of it. Six volunteers (five speak Arabic, one Tigrinya, all Swedish) and one who was erased afterwards."""
    people = [make_user(f"p{n}@example.org", full_name=f"Person {n}", status=Status.APPROVED,
                        languages=("sv", "ti") if n == 6 else ("sv", "ar")) for n in range(1, 8)]
    night = make_shift(site="Mötesplatsen", organisation="Röda Korset Testby", task="language", places=10,
                       starts_at=clock.at(FALL_BACK, time(0)), ends_at=clock.at(FALL_BACK, time(4)))  # 5 h really
    evening = make_shift(site="Mötesplatsen", organisation="Röda Korset Testby", task="language", places=10,
                         starts_at=clock.at(date(2026, 11, 3), time(17)), hours=2)
    children = make_shift(site="Boendet", organisation="Testby kommun", task="children",
                          starts_at=clock.at(date(2026, 11, 10), time(15)), hours=2)
    nobody_came = make_shift(site="Mötesplatsen", organisation="Röda Korset Testby", task="language",
                             starts_at=clock.at(date(2026, 11, 12), time(17)), hours=2)
    elsewhere = make_shift(site="FRG:s lokal", organisation="FRG Testby", task="language",
                           starts_at=clock.at(date(2026, 11, 4), time(17)), hours=2)
    serves(app, night, "newcomers", "eu_migrants")
    serves(app, evening, "newcomers")
    serves(app, elsewhere, "newcomers")
    attended(app, night, people[:6])
    attended(app, evening, [people[0], people[1], people[6]])
    attended(app, children, [people[2]])
    attended(app, nobody_came, [people[3]], BookingStatus.NO_SHOW)
    attended(app, elsewhere, [people[0]])
    training = make_session(title="Psykologisk första hjälp", organisation="Röda Korset Testby",
                            starts_at=clock.at(date(2026, 11, 5), time(18)))
    with app.app_context():
        for person, status in ((people[0], EnrolmentStatus.ATTENDED), (people[1], EnrolmentStatus.ATTENDED),
                               (people[2], EnrolmentStatus.ENROLLED)):
            db.session.add(Enrolment(session_id=training.id, user_id=person.id, status=status))
        db.session.commit()
    from volunteer.me.privacy import erase

    with app.test_request_context():  # person 7 deletes their account: their two hours stay, as a count
        erase(db.session.get(User, people[6].id), NOW, cause="test", tell=False)
        db.session.commit()
    return {"shifts": (night, evening, children), "people": people}


@pytest.fixture
def admin(make_user):
    return make_user("admin@example.org", full_name="Ada Admin", status=Status.APPROVED, role=Role.ADMIN)


@pytest.fixture
def red_cross_coordinator(make_user, red_cross):
    return make_user("rc@example.org", full_name="Rut Röd", status=Status.APPROVED, role=Role.COORDINATOR,
                     coordinates=[red_cross])


def report_of(app, *organisations, start=date(2026, 10, 1), end=date(2026, 11, 30)):
    from volunteer.hours import partnership

    with app.test_request_context():
        return partnership.report(list(organisations), start, end)


def test_the_figures_per_activity_target_group_and_month(app, partnership, red_cross, municipality):
    report = report_of(app, red_cross, municipality)
    rows = {(row.task.code, row.group.code if row.group else None): (row.shifts, row.minutes, row.volunteers)
            for row in report.rows}
    assert rows == {
        # The night the clocks went back: 00:00-04:00 on the wall is five hours, for six people.
        ("language", "newcomers"): (2, 6 * 5 * 60 + 3 * 2 * 60, 6),  # the erased person's two hours stay
        ("language", "eu_migrants"): (1, 6 * 5 * 60, 6),
        ("children", None): (1, 2 * 60, 1),  # a shift that named no target group
    }
    newcomers = next(row for row in report.rows if row.group and row.group.code == "newcomers")
    assert newcomers.languages == [("sv", 6), ("ar", 5), ("ti", 1)]
    months = [(m.first_day, m.shifts, m.minutes, m.volunteers, m.training_sessions, m.trained) for m in report.months]
    assert months == [(date(2026, 10, 1), 1, 30 * 60, 6, 0, 0),
                      (date(2026, 11, 1), 2, 8 * 60, 3, 1, 2)]
    assert (report.total.shifts, report.total.minutes, report.total.volunteers) == (3, 38 * 60, 6)
    assert (report.training_sessions, report.trained) == (1, 2)


def test_the_hours_are_the_one_definition_of_hours(app, partnership, red_cross, municipality):
    """totals.worked, shift by shift in Python, times everyone who came (the erased person included)."""
    report = report_of(app, red_cross, municipality)
    with app.app_context():
        expected = sum(totals.worked(shift) * (len([b for b in db.session.scalars(
            select(Booking).where(Booking.shift_id == shift.id, Booking.status == BookingStatus.ATTENDED))])
            + shift.anonymous_attended) for shift in (db.session.get(Shift, s.id) for s in partnership["shifts"]))
    assert report.total.minutes == expected


def test_a_period_of_one_day_across_the_clock_change(app, partnership, red_cross):
    report = report_of(app, red_cross, start=FALL_BACK, end=FALL_BACK)
    assert [(m.first_day, m.minutes) for m in report.months] == [(FALL_BACK, 6 * 5 * 60)]


def both(red_cross, municipality) -> str:
    """The query for the Red Cross's and the municipality's partnership in October and November."""
    return f"{PERIOD}&organisations={red_cross.id}&organisations={municipality.id}"


def test_small_numbers_are_shown_as_fewer_than(app, partnership, admin, red_cross, municipality):
    text = page_text(in_english(app, admin).get(f"/coordinator/reports/partnership?{both(red_cross, municipality)}"))
    children = text[text.index("Activities for children"):]
    children = children[:children.index("</tr>")]
    assert "fewer than 5" in children and ">1<" not in children.replace("<td>1</td>", "")
    assert "Tigrinya (fewer than 5)" in text and "Arabic (5)" in text
    assert figures(text) == {"Shifts held": "3", "Hours of volunteer work": "38", "Volunteers": "6",
                             "Trainings held": "1", "People trained": "fewer than 5"}


def figures(html: str) -> dict:
    """The period's figures as the page shows them."""
    return dict(re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", html))


def test_the_threshold_is_a_setting(make_app, partnership, admin, red_cross, municipality):
    app = make_app(CLOCK=lambda: NOW, PARTNERSHIP_SMALL_NUMBER=10)
    text = page_text(in_english(app, admin).get(f"/coordinator/reports/partnership?{both(red_cross, municipality)}"))
    assert figures(text)["Volunteers"] == "fewer than 10"


def test_a_coordinator_sees_only_their_organisations(app, partnership, red_cross_coordinator, municipality):
    client = in_english(app, red_cross_coordinator)
    response = client.get(f"/coordinator/reports/partnership?{PERIOD}")
    text = page_text(response)
    assert response.status_code == 200
    assert "Language practice" in text or "language" in text
    assert "Activities for children" not in text and "Testby kommun" not in text
    assert figures(text)["Shifts held"] == "2" and figures(text)["Hours of volunteer work"] == "36"
    refused = client.get(f"/coordinator/reports/partnership?{PERIOD}&organisations={municipality.id}")
    assert refused.status_code == 422
    for download in ("csv", "pdf"):
        assert client.get(f"/coordinator/reports/partnership.{download}?{PERIOD}&organisations={municipality.id}"
                          ).status_code == 422


def test_an_admin_sees_all_and_may_choose(app, partnership, admin, municipality):
    client = in_english(app, admin)
    everything = page_text(client.get(f"/coordinator/reports/partnership?{PERIOD}"))
    assert "Activities for children" in everything and "FRG Testby" in everything
    assert figures(everything)["Hours of volunteer work"] == "40", "FRG's two hours too"
    one = page_text(client.get(f"/coordinator/reports/partnership?{PERIOD}&organisations={municipality.id}"))
    assert figures(one)["Shifts held"] == "1" and figures(one)["Hours of volunteer work"] == "2"


def test_a_volunteer_may_not_open_the_report(app, partnership):
    client = signed_in(app, partnership["people"][0])
    for url in ("/coordinator/reports/partnership", "/coordinator/reports/partnership.csv",
                "/coordinator/reports/partnership.pdf"):
        assert client.get(url).status_code == 403


@pytest.mark.parametrize("query", ["start=2020-01-01&end=2026-11-30", "start=2026-12-01&end=2026-11-01",
                                   "start=9999-01-01", "organisations=abc", "name=" + "x" * 200])
def test_odd_requests_get_a_message_not_a_500(app, partnership, admin, query):
    response = in_english(app, admin).get(f"/coordinator/reports/partnership?{query}")
    assert response.status_code == 422


def test_a_period_of_more_than_three_years_is_refused_next_to_the_field(app, partnership, admin):
    response = in_english(app, admin).get("/coordinator/reports/partnership?start=2020-01-01&end=2026-11-30")
    assert "at most 36 months" in field_error(response, "end")


def test_the_csv_for_swedish_excel(app, partnership, admin, red_cross, municipality):
    response = signed_in(app, admin).get(f"/coordinator/reports/partnership.csv?{both(red_cross, municipality)}")
    assert response.mimetype == "text/csv" and response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Uppgift", "Målgrupp", "Månad", "Pass som hölls", "Timmar", "Volontärer", "Talade språk",
                       "Utbildningar som hölls", "Utbildade personer"]
    assert ["Aktiviteter för barn", "Ingen målgrupp angiven", "", "1", "2", "färre än 5",
            "arabiska (färre än 5) och svenska (färre än 5)", "", ""] in rows
    assert rows[-3][2:] == ["oktober 2026", "1", "30", "6", "", "0", "0"]
    assert rows[-1][0] == "Hela perioden" and rows[-1][3:5] == ["3", "38"]


def test_the_pdf_is_one_page_in_swedish_with_the_name_and_period(app, partnership, admin, red_cross, municipality):
    client = in_english(app, admin)  # the page in English; the PDF for the committee in Swedish all the same
    response = client.get(f"/coordinator/reports/partnership.pdf?{both(red_cross, municipality)}&name=IOP+Testby+2026")
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Uppföljning av partnerskapet" in text and "IOP Testby 2026" in text
    assert "1 okt.–30 nov. 2026" in text or "1 okt. – 30 nov. 2026" in text
    assert "Nyanlända" in text and "färre än 5" in text and "oktober 2026" in text


def test_the_pdf_names_the_organisations_when_no_name_is_given(app, partnership, red_cross_coordinator):
    response = signed_in(app, red_cross_coordinator).get(f"/coordinator/reports/partnership.pdf?{PERIOD}")
    text = " ".join(PdfReader(io.BytesIO(response.data)).pages[0].extract_text().split())
    assert "Röda Korset Testby" in text and "Testby kommun" not in text


@pytest.mark.parametrize("locale, leftmost", [("sv", "okt. 2026"), ("ar", "نوفمبر")])
def test_the_chart_is_drawn_on_the_server_and_mirrors_right_to_left(app, partnership, admin, locale, leftmost):
    client = signed_in(app, admin)
    with client.session_transaction() as session:
        session["locale"] = locale
    html = client.get(f"/coordinator/reports/partnership?{PERIOD}").get_data(as_text=True)
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert "style" not in svg and svg.count('class="chart__bar"') == 2
    labels = sorted((float(x), label) for x, label in re.findall(
        r'<text x="([\d.]+)"[^>]*class="chart__label">([^<]*)</text>', svg))
    assert len(labels) == 2 and leftmost in labels[0][1], labels  # right to left, October stands at the right


def test_the_report_takes_the_same_statements_for_more_shifts_and_people(app, partnership, admin, make_shift,
                                                                           make_user):
    client = in_english(app, admin)
    url = f"/coordinator/reports/partnership?{PERIOD}"
    client.get(url)
    with statements_of(app) as few:
        assert client.get(url).status_code == 200
    for day in range(1, 20):
        shift = make_shift(site="Mötesplatsen", organisation="Röda Korset Testby", task="language", places=20,
                           starts_at=clock.at(date(2026, 10, day), time(17)))
        serves(app, shift, "newcomers")
        attended(app, shift, [make_user(f"q{day}-{n}@example.org", status=Status.APPROVED, languages=("uk",))
                              for n in range(3)])
    with statements_of(app) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few) == PAGE_STATEMENTS[app_dialect(app)], [s for s, _ in many]


def app_dialect(app):
    with app.app_context():
        return db.engine.dialect.name


# The session and person, the organisations in scope, the report's eleven (shifts, volunteers and languages per
# activity and group; shifts and volunteers per month; volunteers in the period; trainings and people trained per
# month and people in the period; the tasks and the groups); SQLite adds its BEGIN.
PAGE_STATEMENTS = {"sqlite": 14, "postgresql": 13}


def test_admins_add_and_rename_target_groups_in_every_language(app, admin):
    client = in_english(app, admin)
    assert client.submit("/admin/target-groups/new", {"code": "Bad code!", "name_sv": ""}).status_code == 422
    response = client.submit("/admin/target-groups/new", {"code": "asylum_seekers", "name_sv": "Asylsökande",
                                                           "name_en": "Asylum seekers", "name_ar": "طالبو اللجوء"})
    assert response.status_code == 303
    with app.app_context():
        group = db.session.scalar(select(TargetGroup).where(TargetGroup.code == "asylum_seekers"))
        assert group.names == {"sv": "Asylsökande", "en": "Asylum seekers", "ar": "طالبو اللجوء"}
    assert "Asylum seekers" in page_text(client.get("/admin/target-groups"))
    taken = client.submit("/admin/target-groups/new", {"code": "asylum_seekers", "name_sv": "Igen"})
    assert taken.status_code == 422 and "already a target group" in field_error(taken, "code")
    renamed = client.submit(f"/admin/target-groups/{group.id}/edit", {"code": "asylum_seekers",
                                                                      "name_sv": "Asylsökande personer"})
    assert renamed.status_code == 303
    with app.app_context():
        assert db.session.get(TargetGroup, group.id).names == {"sv": "Asylsökande personer"}


def test_a_coordinator_may_not_keep_target_groups(app, make_user, frg):
    coordinator = make_user("c@example.org", status=Status.APPROVED, role=Role.COORDINATOR, coordinates=[frg])
    assert signed_in(app, coordinator).get("/admin/target-groups").status_code == 403


def test_the_navigation_links_the_report_and_the_target_groups(app, admin, make_user, frg):
    coordinator = make_user("c@example.org", status=Status.APPROVED, role=Role.COORDINATOR, coordinates=[frg])
    theirs = signed_in(app, coordinator).get("/coordinator/hours").get_data(as_text=True)
    assert 'href="/coordinator/reports/partnership"' in theirs and 'href="/admin/target-groups"' not in theirs
    assert 'href="/admin/target-groups"' in signed_in(app, admin).get("/coordinator/hours").get_data(as_text=True)


@pytest.fixture
def site_and_task(app, target_groups, make_shift):
    """A meeting place for newcomers and EU migrants; homework help for unaccompanied children."""
    shift = make_shift(site="Mötesplatsen", task="homework")
    with app.app_context():
        stored = db.session.get(Shift, shift.id)
        stored.site.target_groups = groups_named("newcomers", "eu_migrants")
        stored.task.target_groups = groups_named("children")
        db.session.commit()
        return stored.site_id, stored.task_id


def new_shift(client, site_id, task_id, **fields):
    data = {"site_id": site_id, "task_id": task_id, "day": "2026-12-20", "start": "17:00", "end": "19:00",
            "places": "3", "weeks": "1", "qualification_id": "", **fields}
    return client.submit("/coordinator/shifts/new", data)


def made_shift_groups(app) -> set[str]:
    with app.app_context():
        shift = db.session.scalar(select(Shift).order_by(Shift.id.desc()))
        return {group.code for group in shift.target_groups}


def test_a_shift_inherits_its_site_and_task_groups(app, coordinator, site_and_task):
    response = new_shift(in_english(app, coordinator), *site_and_task)
    assert response.status_code == 303
    assert made_shift_groups(app) == {"newcomers", "eu_migrants", "children"}


def test_a_coordinator_may_narrow_a_shift_to_some_of_them(app, coordinator, site_and_task):
    with app.app_context():
        newcomers = groups_named("newcomers")[0].id
    assert new_shift(in_english(app, coordinator), *site_and_task, target_group_ids=[newcomers]).status_code == 303
    assert made_shift_groups(app) == {"newcomers"}


def test_a_group_neither_site_nor_task_serves_is_refused_next_to_the_field(app, coordinator, site_and_task):
    with app.app_context():
        site = db.session.get(Site, site_and_task[0])
        site.target_groups = groups_named("newcomers")
        db.session.commit()
        eu = groups_named("eu_migrants")[0].id
    response = new_shift(in_english(app, coordinator), *site_and_task, target_group_ids=[eu])
    assert response.status_code == 422
    assert "Neither the site nor the task serves EU migrants" in field_error(response, "target_group_ids")


def test_the_edit_form_shows_a_narrowed_shift_ticked_and_an_inherited_one_not(app, coordinator, site_and_task):
    client = in_english(app, coordinator)
    new_shift(client, *site_and_task)
    with app.app_context():
        shift_id = db.session.scalar(select(Shift.id).order_by(Shift.id.desc()))
        newcomers = groups_named("newcomers")[0].id
    form = client.get(f"/coordinator/shifts/{shift_id}/edit").get_data(as_text=True)
    groups = form[form.index('id="target_group_ids-field"'):]
    assert "checked" not in groups[:groups.index("</fieldset>")], "it serves all it inherits: nothing ticked"
    with app.app_context():
        db.session.get(Shift, shift_id).target_groups = groups_named("newcomers")
        db.session.commit()
    form = client.get(f"/coordinator/shifts/{shift_id}/edit").get_data(as_text=True)
    groups = form[form.index('id="target_group_ids-field"'):]
    ticked = re.findall(r'value="(\d+)"\s+checked', groups[:groups.index("</fieldset>")])
    assert ticked == [str(newcomers)]


def test_sites_and_tasks_name_their_groups(app, coordinator, target_groups, make_shift):
    shift = make_shift(site="Mötesplatsen", task="homework")
    client = in_english(app, coordinator)
    with app.app_context():
        stored = db.session.get(Shift, shift.id)
        site_id, task_id, organisation_id = stored.site_id, stored.task_id, stored.site.organisation_id
        children = groups_named("children")[0].id
    response = client.submit(f"/coordinator/sites/{site_id}/edit", {
        "name": "Mötesplatsen", "organisation_id": organisation_id, "kind": "meeting_place",
        "address": "Torget 1", "target_group_ids": [children]})
    assert response.status_code == 303
    response = client.submit(f"/coordinator/tasks/{task_id}/edit", {
        "code": "homework", "name_sv": "Läxhjälp", "target_group_ids": [children]})
    assert response.status_code == 303
    with app.app_context():
        assert [g.code for g in db.session.get(Site, site_id).target_groups] == ["children"]
        assert [g.code for g in db.session.get(Task, task_id).target_groups] == ["children"]


def test_the_demo_has_the_partnership_target_groups_and_its_shifts_inherit_them(app):
    from volunteer import demo

    with app.test_request_context():
        demo.run(today=date(2026, 12, 1), weeks=1)
        demo.run(today=date(2026, 12, 1), weeks=1)  # safe to run twice
        db.session.commit()
        assert {group.names["en"] for group in db.session.scalars(select(TargetGroup))} == {
            "Unaccompanied children", "Newcomers", "Asylum seekers", "Undocumented people", "EU migrants",
            "Other migrants in need of social support"}
        homework = db.session.scalar(select(Shift).join(Task).where(Task.code == "homework_help").limit(1))
        assert {group.code for group in homework.target_groups} == {"asylum_seekers", "newcomers",
                                                                    "unaccompanied_children"}
