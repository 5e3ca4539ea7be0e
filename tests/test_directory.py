"""The volunteer directory: search, filters, pages, CSV export and the language overview."""
import csv
import io
import re

import pytest
from sqlalchemy import select

from volunteer.extensions import db
from volunteer.models import AuditEvent, Organisation, Status, User, UserSkill
from volunteer.web.spreadsheets import safe_cell

from .helpers import page_text, statements_of


@pytest.fixture
def signed_in(client, coordinator):
    client.sign_in_as(coordinator)
    return client


def names_on(response) -> list[str]:
    return re.findall(r'<td><a href="/coordinator/people/\d+"><bdi dir="auto">([^<]+)</bdi></a></td>',
                      page_text(response))


def test_search_finds_by_name_or_email_and_treats_wildcards_as_text(signed_in, make_user):
    make_user("anna@example.org", full_name="Anna Svensson", status=Status.APPROVED)
    make_user("omar@example.org", full_name="Omar Haddad", status=Status.APPROVED)
    make_user("pct@example.org", full_name="Per 100% Cent", status=Status.APPROVED)
    assert names_on(signed_in.get("/coordinator/volunteers?q=svens")) == ["Anna Svensson"]
    assert names_on(signed_in.get("/coordinator/volunteers?q=OMAR@")) == ["Omar Haddad"]
    assert names_on(signed_in.get("/coordinator/volunteers?q=%25")) == ["Per 100% Cent"]


@pytest.mark.parametrize("query, expected", [
    ("status=approved", ["Amira", "Bengt"]),
    ("status=inactive", ["Cecilia"]),
    ("language=ar", ["Amira"]),
    ("skill=health_care", ["Bengt"]),
    ("status=nonsense", ["Amira", "Bengt", "Cecilia"]),
])
def test_filters_narrow_the_directory(signed_in, make_user, query, expected):
    make_user("a@example.org", full_name="Amira", status=Status.APPROVED, languages=("ar",))
    make_user("b@example.org", full_name="Bengt", status=Status.APPROVED, skills=[UserSkill(code="health_care")])
    make_user("c@example.org", full_name="Cecilia", status=Status.INACTIVE)
    response = signed_in.get(f"/coordinator/volunteers?{query}")
    assert response.status_code == 200
    assert names_on(response) == expected


def test_the_directory_is_paginated_and_keeps_the_filters(signed_in, make_user):
    for number in range(30):
        make_user(f"p{number:02d}@example.org", full_name=f"Person {number:02d}", status=Status.APPROVED)
    first = signed_in.get("/coordinator/volunteers?status=approved")
    assert len(names_on(first)) == 25 and "30 personer" in page_text(first)
    assert 'href="/coordinator/volunteers?page=2&amp;status=approved"' in first.get_data(as_text=True)
    second = signed_in.get("/coordinator/volunteers?status=approved&page=2")
    assert names_on(second) == [f"Person {n}" for n in range(25, 30)]
    assert names_on(signed_in.get("/coordinator/volunteers?page=99")) == []


def test_csv_export_opens_in_excel_and_cannot_run_formulas(app, signed_in, coordinator, make_user, frg):
    make_user("a@example.org", full_name="=HYPERLINK(\"http://evil\")", status=Status.APPROVED)
    make_user("b@example.org", full_name="عمر الحداد", status=Status.APPROVED, languages=("ar", "sv"))
    chose_frg = make_user("c@example.org", full_name="Åsa Öberg", status=Status.APPROVED)
    with app.app_context():
        person = db.session.get(User, chose_frg.id)
        person.preferred_organisations.append(db.session.get(Organisation, frg.id))
        db.session.commit()

    response = signed_in.get("/coordinator/volunteers.csv?status=approved")

    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Namn", "E-post", "Mobiltelefon"]
    by_email = {row[1]: row for row in rows[1:]}
    assert by_email["a@example.org"][0] == "'=HYPERLINK(\"http://evil\")"
    assert by_email["b@example.org"][0] == "عمر الحداد"
    assert by_email["b@example.org"][4] == "arabiska, svenska"
    assert by_email["c@example.org"][2] == "070-123 45 67"
    assert by_email["b@example.org"][2] == "", "need to know: b chose no organisation and is on no shift of FRG's"
    with app.app_context():
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "directory_exported"))
    assert (event.actor_id, event.details["rows"], event.details["filters"]) == (
        coordinator.id, 3, {"status": "approved"})


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+46701234567", "'+46701234567"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tTAB", "'\tTAB"), ("Anna", "Anna"), ("a=b", "a=b"), ("", ""),
    ("Mallory;=2+5;x", "Mallory;'=2+5;x"), ("Mallory,=2+5", "Mallory,'=2+5"), ("a\t@SUM(1)", "a\t'@SUM(1)"),
    ('x; "=1+1', "x; \"'=1+1"), (' =1+1', "' =1+1"), ("line\n-1", "line\n'-1"),
    ("arabiska, svenska", "arabiska, svenska"),
])
def test_cells_that_start_like_a_formula_are_escaped(value, expected):
    assert safe_cell(value) == expected


def test_the_language_overview_counts_approved_volunteers_per_organisation(
        signed_in, make_user, make_organisation, frg):
    red_cross = make_organisation("Röda Korset Testby")
    make_user("a@example.org", status=Status.APPROVED, languages=("ar", "sv"), preferred_organisations=[frg])
    make_user("b@example.org", status=Status.APPROVED, languages=("ar",))
    make_user("c@example.org", status=Status.CONFIRMED, languages=("ar",))
    make_user("d@example.org", status=Status.APPROVED, languages=("ar",), preferred_organisations=[red_cross])
    html = signed_in.get("/coordinator/languages").get_data(as_text=True)
    row = html[html.index('<th scope="row"><span lang="ar"'):]
    row = row[:row.index("</tr>")]
    cells = re.findall(r"<td>(?:<a [^>]*>)?(\d+)", row)
    # FRG Testby, no preference, all: the Red Cross applicant is outside this coordinator's organisations.
    assert cells == ["1", "1", "2"]
    assert "Röda Korset Testby" not in html


@pytest.mark.parametrize("url", ["/coordinator/volunteers", "/coordinator/applicants"])
def test_queries_per_page_do_not_grow_with_the_number_of_people(app, signed_in, make_user, url):
    def queries_for_page() -> int:
        with statements_of(app) as statements:
            assert signed_in.get(url).status_code == 200
        return len(statements)

    for number in range(3):
        make_user(f"a{number}@example.org", status=Status.CONFIRMED, languages=("ar", "sv"),
                  skills=[UserSkill(code="teaching")])
    few = queries_for_page()
    for number in range(3, 20):
        make_user(f"a{number}@example.org", status=Status.CONFIRMED, languages=("ar", "sv"),
                  skills=[UserSkill(code="teaching")])
    assert queries_for_page() == few


def test_the_directory_filters_by_a_qualification_that_is_still_valid(app, signed_in, make_user):
    from datetime import datetime, timedelta, timezone

    from volunteer.models import PersonQualification, Qualification

    now = datetime.now(timezone.utc)
    valid = make_user("v@example.org", full_name="Valid Vera", status=Status.APPROVED)
    expired = make_user("e@example.org", full_name="Expired Erik", status=Status.APPROVED)
    make_user("n@example.org", full_name="Nobody Nils", status=Status.APPROVED)
    with app.app_context():
        qualification = Qualification(code="intro", names={"sv": "Introduktion", "en": "Introduction"})
        db.session.add(qualification)
        db.session.flush()
        db.session.add_all([
            PersonQualification(user_id=valid.id, qualification_id=qualification.id, granted_at=now),
            PersonQualification(user_id=expired.id, qualification_id=qualification.id,
                                granted_at=now - timedelta(days=800), expires_at=now - timedelta(days=1)),
        ])
        db.session.commit()
        qualification_id = qualification.id
    page = signed_in.get(f"/coordinator/volunteers?qualification={qualification_id}")
    assert names_on(page) == ["Valid Vera"]
    assert "Introduktion" in page_text(page)


FORMULA = re.compile(r'^[\s"]*[=+\-@]')  # an apostrophe in front makes it text


@pytest.mark.parametrize("name", ["Mallory;=2+5;x", "Mallory,=2+5,x", "Mallory\t=2+5", 'Mallory";=2+5;"x', "=2+5"])
def test_the_csv_opens_in_swedish_excel_and_no_separator_makes_a_formula(signed_in, make_user, name):
    make_user("m@example.org", full_name=name, status=Status.APPROVED)
    raw = signed_in.get("/coordinator/volunteers.csv?status=approved").get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert header[0] == "Namn" and len(row) == len(header) == 9, "Swedish Excel's separator; the name stays one cell"
    assert row[0].replace("'", "") == name, "the name is all there, with apostrophes before formula starts"
    line = text.splitlines()[1]
    assert line.startswith('"') and line.count('";"') == 8, "every cell is quoted"
    for separator in (",", ";", "\t"):
        pieces = re.split(separator, line)
        assert not [piece for piece in pieces if FORMULA.match(piece)], (separator, pieces)


def test_a_search_by_a_piece_of_a_name_or_address_can_use_the_trigram_indexes_on_postgresql(app, signed_in,
                                                                                            make_user):
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no trigram indexes")
    make_user("anna@example.org", full_name="Anna Svensson", status=Status.APPROVED)
    with statements_of(app) as sent:
        assert names_on(signed_in.get("/coordinator/volunteers?q=nna+Sv")) == ["Anna Svensson"]
    searches = [(s, p) for s, p in sent if "ILIKE" in s and "LIMIT" in s]
    assert searches, "the directory's search was not seen"
    statement, parameters = searches[0]
    with engine.connect() as connection:
        connection.exec_driver_sql("SET enable_seqscan = off")  # a handful of rows: judge what the plan can use
        plan = " ".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters))
    assert "ix_user_full_name_search" in plan and "ix_user_email_search" in plan, plan
