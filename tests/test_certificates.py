"""Certificates: issuing one in Swedish or English, the printable page and the PDF with its QR code, the public
verification of a valid, a withdrawn and an unknown code, and withdrawal by a coordinator."""
import io
import re
from datetime import date, datetime, time, timezone

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from volunteer import clock
from volunteer.extensions import db
from volunteer.hours import certificates, qr
from volunteer.models import (AuditEvent, Booking, BookingStatus, Certificate, Enrolment, EnrolmentStatus, Role, Status,
                              User)

from .helpers import field_error, page_text, signed_in

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
CODE_RE = re.compile(r"\b([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})\b")


@pytest.fixture
def volunteer(make_user):
    return make_user("worker@example.org", full_name="Åsa Öberg", status=Status.APPROVED)


@pytest.fixture
def record(app, make_shift, make_session, volunteer, coordinator):
    """Åsa's autumn: two support shifts, one with the children, a no-show, and a training; Cora confirmed them."""
    shifts = [make_shift(starts_at=clock.at(date(2026, 10, 6), time(17)), hours=3),
              make_shift(starts_at=clock.at(date(2026, 10, 13), time(17)), hours=3),
              make_shift(task="children", starts_at=clock.at(date(2026, 11, 3), time(15)), hours=2.5)]
    missed = make_shift(starts_at=clock.at(date(2026, 11, 10), time(17)), hours=3)
    session = make_session(starts_at=clock.at(date(2026, 9, 15), time(18)), hours=3)
    with app.app_context():
        db.session.add_all([Booking(shift_id=s.id, user_id=volunteer.id, status=BookingStatus.ATTENDED,
                                    decided_by_id=coordinator.id) for s in shifts])
        db.session.add(Booking(shift_id=missed.id, user_id=volunteer.id, status=BookingStatus.NO_SHOW))
        db.session.add(Enrolment(session_id=session.id, user_id=volunteer.id, status=EnrolmentStatus.ATTENDED))
        db.session.commit()


def issue(client, start="2026-09-01", end="2026-11-19", locale="sv"):
    return client.submit("/me/certificates/new", {"start": start, "end": end, "locale": locale})


def issued(app) -> Certificate:
    with app.app_context():
        certificate = db.session.scalar(select(Certificate).order_by(Certificate.id.desc()))
        if certificate is not None:
            certificate.organisations
            db.session.expunge(certificate)
        return certificate


def test_a_volunteer_gets_a_certificate_in_swedish(app, record, volunteer):
    client = signed_in(app, volunteer)
    response = issue(client)
    certificate = issued(app)
    assert response.status_code == 303 and response.location.endswith(f"/me/certificates/{certificate.id}")
    text = page_text(client.get(response.location))
    assert "Intyg om volontärarbete" in text
    assert "Åsa Öberg" in text
    assert "FRG Testby" in text and "Studieförbundet Testby" in text
    assert "1 sep.–19 nov. 2026" in text
    assert "Timmar volontärarbete" in text and "8,5" in text       # 3 + 3 + 2,5; the no-show left out
    assert "Timmar totalt" in text and "11,5" in text              # and the 3 hours of training
    assert "Stödsamtal: 6 h, 2 pass" in text and "Aktiviteter för barn: 2,5 h, 1 pass" in text
    assert "Introduktion till evakueringsboende, Studieförbundet Testby, 15 september 2026, 3 h" in text
    assert "Cora Koordinator, samordnare, FRG Testby" in text       # she confirmed the hours
    assert certificate.display_code in text
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="qr"' in text


def test_the_same_hours_in_english(app, record, volunteer):
    client = signed_in(app, volunteer)
    text = page_text(client.get(issue(client, locale="en").location))
    assert "Certificate of volunteer work" in text
    assert "Sep 1\u2009–\u2009Nov 19, 2026" in text
    assert "Hours of volunteer work" in text and "8.5" in text and "11.5" in text
    assert "Support conversations: 6 h, 2 shifts" in text and "Activities for children: 2.5 h, 1 shift" in text
    assert "Cora Koordinator, coordinator, FRG Testby" in text
    assert 'lang="en"' in text


def test_the_certificate_keeps_its_facts_as_issued(app, record, volunteer, make_shift):
    client = signed_in(app, volunteer)
    url = issue(client).location
    later = make_shift(starts_at=clock.at(date(2026, 11, 5), time(17)), hours=10)
    with app.app_context():
        db.session.add(Booking(shift_id=later.id, user_id=volunteer.id, status=BookingStatus.ATTENDED))
        db.session.commit()
    text = page_text(client.get(url))
    assert "11,5" in text and "21,5" not in text


def test_the_issuer_falls_back_to_a_coordinator_of_the_organisation(app, make_shift, make_user, volunteer,
                                                                    coordinator):
    shift = make_shift(starts_at=clock.at(date(2026, 10, 6), time(17)), hours=3)
    with app.app_context():
        db.session.add(Booking(shift_id=shift.id, user_id=volunteer.id, status=BookingStatus.ATTENDED))
        db.session.commit()
    client = signed_in(app, volunteer)
    assert "Cora Koordinator" in page_text(client.get(issue(client).location))


def test_the_code_is_long_random_and_forgiving_to_type():
    codes = {certificates.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(code) == 16 and set(code) <= set(certificates.ALPHABET) for code in codes)
    assert certificates.normalize_code("abcd efgh-jkmn pqrs") == "ABCDEFGHJKMNPQRS"
    assert certificates.normalize_code("O1IL-0000-0000-0000") == "0111000000000000"
    assert certificates.normalize_code("ABCD-EFGH-JKMN-PQR") is None
    assert certificates.normalize_code("ABCD-EFGH-JKMN-PQRU") is None


@pytest.mark.parametrize("data, field, message", [
    ({"start": "2026-11-19", "end": "2026-09-01"}, "end", "The end must come after the start."),
    ({"start": "2026-09-01", "end": "2026-12-31"}, "end",
     "A certificate covers days that have passed: choose today or earlier."),
    ({"start": "2026-01-01", "end": "2026-02-01"}, "end",
     "No attended shifts or trainings are recorded in this period."),
    ({"start": "", "end": "2026-02-01"}, "start", "Choose a date."),
    ({"start": "yesterday", "end": "2026-02-01"}, "start", "Not a valid date value."),
])
def test_a_bad_period_is_refused_next_to_the_field(app, record, make_user, data, field, message):
    person = make_user("en@example.org", status=Status.APPROVED, locale="en")
    with app.app_context():
        db.session.execute(Booking.__table__.update().values(user_id=person.id))
        db.session.execute(Enrolment.__table__.update().values(user_id=person.id))
        db.session.commit()
    response = signed_in(app, person).submit("/me/certificates/new", {**data, "locale": "en"})
    assert response.status_code == 422
    assert field_error(response, field) == message
    assert issued(app) is None


def test_a_language_other_than_swedish_or_english_is_refused(app, record, volunteer):
    response = signed_in(app, volunteer).submit("/me/certificates/new",
                                                {"start": "2026-09-01", "end": "2026-11-19", "locale": "ar"})
    assert response.status_code == 422 and issued(app) is None


def test_nobody_else_can_open_a_volunteers_certificate(app, record, volunteer, make_user, coordinator):
    client = signed_in(app, volunteer)
    url = issue(client).location
    stranger = signed_in(app, make_user("x@example.org", status=Status.APPROVED))
    assert stranger.get(url).status_code == 404
    assert stranger.get(url + ".pdf").status_code == 404


def qr_modules_in(page) -> set[tuple[int, int]]:
    """The QR code's dark modules as (row, column), read back from the squares drawn on the page."""
    squares = [[float(v) for v in operands] for operands, operator in page.get_contents().operations
               if operator == b"re" and abs(float(operands[2]) - float(operands[3])) < 1e-6]
    assert squares, "no QR squares in the PDF"
    size = squares[0][2]
    left, top = min(s[0] for s in squares), max(s[1] for s in squares)
    return {(round((top - y) / size), round((x - left) / size)) for x, y, *_ in squares}


def test_the_pdf_has_the_text_and_a_qr_code_to_the_verification_page(app, record, volunteer):
    client = signed_in(app, volunteer)
    url = issue(client).location
    certificate = issued(app)
    response = client.get(url + ".pdf")
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    page, = PdfReader(io.BytesIO(response.data)).pages
    text = " ".join(page.extract_text().split())
    assert "Intyg om volontärarbete" in text
    assert "Åsa Öberg" in text and "Timmar totalt" in text and "11,5" in text
    assert "Stödsamtal: 6 h, 2 pass" in text
    assert "Samarbetsorganisationer" in text, "no label is split inside a word (was Samarbetsorganisatio-ner)"
    assert certificate.display_code in text
    verify_url = f"http://localhost/verify/{certificate.display_code}"
    assert verify_url in text
    expected = {(r, c) for r, line in enumerate(qr.matrix(verify_url)) for c, dark in enumerate(line) if dark}
    assert qr_modules_in(page) == expected
    elsewhere = {(r, c) for r, line in enumerate(qr.matrix(verify_url + "X")) for c, dark in enumerate(line) if dark}
    assert qr_modules_in(page) != elsewhere
    # The three finder patterns of a QR code: 7x7 dark rings in the corners.
    size = max(r for r, _ in expected) + 1
    for top, left in ((0, 0), (0, size - 7), (size - 7, 0)):
        ring = {(top + r, left + c) for r in range(7) for c in range(7) if r in (0, 6) or c in (0, 6)}
        assert ring <= qr_modules_in(page)


def test_the_pdf_in_english(app, record, volunteer):
    client = signed_in(app, volunteer)
    url = issue(client, locale="en").location
    text = " ".join(PdfReader(io.BytesIO(client.get(url + ".pdf").data)).pages[0].extract_text().split())
    assert "Certificate of volunteer work" in text and "Hours in total" in text and "11.5" in text


def test_anyone_can_verify_a_valid_certificate_and_sees_only_what_it_says(app, record, volunteer):
    issue(signed_in(app, volunteer))
    certificate = issued(app)
    response = app.test_client().get(f"/verify/{certificate.display_code}", headers={"Accept-Language": "en"})
    text = page_text(response)
    assert response.status_code == 200
    assert "This certificate is genuine" in text
    assert "Åsa Öberg" in text and "11,5" in text and "Intyg om volontärarbete" in text
    assert "worker@example.org" not in text and "+46" not in text and "Boende Testby" not in text
    assert response.headers["Cache-Control"] == "no-store"


def test_the_code_can_be_typed_in_the_form_in_any_case(app, record, volunteer):
    issue(signed_in(app, volunteer))
    certificate = issued(app)
    client = app.test_client()
    assert client.get("/verify").status_code == 200
    typed = certificate.code.lower()[:8] + " " + certificate.code.lower()[8:]
    response = client.get("/verify", query_string={"code": typed})
    assert response.status_code == 303 and response.location.endswith(f"/verify/{certificate.display_code}")
    assert client.get(f"/verify/{certificate.code.lower()}").status_code == 200


def test_a_malformed_code_in_the_form_is_refused_next_to_the_field(app):
    response = app.test_client().get("/verify?code=12345", headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert field_error(response, "code") == "A code has 16 letters and digits, like ABCD-EFGH-JKMN-PQRS."


@pytest.mark.parametrize("code", ["ABCD-EFGH-JKMN-PQRS", "nonsense", "x" * 300, "%00"])
def test_an_unknown_code_gets_a_clear_404(app, code):
    response = app.test_client().get(f"/verify/{code}", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "No certificate was issued with this code." in page_text(response)


def test_lookups_are_rate_limited(make_app):
    app = make_app(VERIFY_RATE_LIMIT="3 per minute")
    client = app.test_client()
    statuses = [client.get("/verify/ABCD-EFGH-JKMN-PQRS").status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]


def test_a_coordinator_withdraws_a_certificate_and_the_verification_page_says_so(app, record, volunteer,
                                                                                  coordinator):
    issue(signed_in(app, volunteer))
    certificate = issued(app)
    client = signed_in(app, coordinator)
    listing = page_text(client.get("/coordinator/certificates"))
    assert certificate.display_code in listing and "Åsa Öberg" in listing
    url = f"/coordinator/certificates/{certificate.id}/withdraw"
    refused = client.submit(url, {"reason": ""})
    assert refused.status_code == 422 and field_error(refused, "reason") == "Skriv ett skäl."
    response = client.submit(url, {"reason": "Timmarna var felregistrerade."})
    assert response.status_code == 303
    again = client.submit(url, {"reason": "Igen."})
    assert again.status_code == 409
    verification = app.test_client().get(f"/verify/{certificate.display_code}", headers={"Accept-Language": "en"})
    text = page_text(verification)
    assert verification.status_code == 200
    assert "This certificate was withdrawn" in text
    assert "Åsa Öberg" not in text and "felregistrerade" not in text
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate_withdrawn"))
        assert (event.actor_id, event.subject_id) == (coordinator.id, volunteer.id)
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate_issued")) is not None


def test_a_coordinator_of_another_organisation_cannot_withdraw_it(app, record, volunteer, make_user,
                                                                  make_organisation):
    issue(signed_in(app, volunteer))
    certificate = issued(app)
    other = make_user("rk@example.org", status=Status.APPROVED, role=Role.COORDINATOR,
                      coordinates=[make_organisation("Röda Korset Testby")])
    client = signed_in(app, other)
    assert certificate.display_code not in page_text(client.get("/coordinator/certificates"))
    assert client.get(f"/coordinator/certificates/{certificate.id}/withdraw").status_code == 404
    assert client.post(f"/coordinator/certificates/{certificate.id}/withdraw",
                       data={"reason": "x", "csrf_token": client.csrf_token()}).status_code == 404
    assert issued(app).withdrawn_at is None


def test_the_volunteers_data_download_lists_their_certificates(app, record, volunteer):
    client = signed_in(app, volunteer)
    issue(client, locale="en")
    certificate = issued(app)
    data = client.get("/me/export").get_json()
    assert [(c["code"], c["language"], c["facts"]["name"]) for c in data["certificates"]] == [
        (certificate.code, "en", "Åsa Öberg")]


def rename(client, name):
    """The volunteer changes their name on My details (their other details as they were)."""
    response = client.submit("/me/details", {"full_name": name, "phone": "070-123 45 67", "languages": ["sv"],
                                             "availability": ["evenings"], "motivation": "Hjälpa"})
    assert response.status_code == 303


def test_a_certificate_carries_the_name_a_coordinator_saw_not_a_name_typed_just_before(app, record, volunteer):
    client = signed_in(app, volunteer)
    rename(client, "Dr. Åsa Öberg, legitimerad läkare")
    page = page_text(client.get("/me/certificates/new"))
    assert "Åsa Öberg" in page and "samordnare" in page, "the volunteer is told which name it will carry"
    issue(client)
    rename(client, "Åsa Öberg")
    verified = page_text(client.get(f"/verify/{issued(app).display_code}"))
    assert "Åsa Öberg" in verified and "legitimerad" not in verified and "Dr." not in verified


def test_a_coordinator_confirms_a_new_name_and_it_is_kept_in_the_history(app, record, volunteer, coordinator):
    client = signed_in(app, volunteer)
    rename(client, "Åsa Berg")
    staff = signed_in(app, coordinator)
    url = f"/coordinator/people/{volunteer.id}"
    page = page_text(staff.get(url))
    assert "Åsa Berg" in page and "Åsa Öberg" in page
    stale = staff.submit(f"{url}/name", {"name": "Åsa Ö. Berg"}, page=url)
    assert stale.status_code == 409
    with app.app_context():
        assert db.session.get(User, volunteer.id).confirmed_name == "Åsa Öberg"
    assert staff.submit(f"{url}/name", {"name": "Åsa Berg"}, page=url).status_code == 303
    with app.app_context():
        person = db.session.get(User, volunteer.id)
        assert (person.confirmed_name, person.name_confirmed_by_id) == ("Åsa Berg", coordinator.id)
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "name_confirmed"))
        assert (event.actor_id, event.subject_id) == (coordinator.id, volunteer.id)
        assert (event.details["previous_name"], event.details["name"]) == ("Åsa Öberg", "Åsa Berg")
    assert "Åsa Öberg" in page_text(staff.get(url)), "the earlier name stays in the person's history"
    issue(client)
    assert "Åsa Berg" in page_text(client.get(f"/verify/{issued(app).display_code}"))


def test_no_certificate_without_a_name_a_coordinator_has_confirmed(app, record, volunteer):
    with app.app_context():
        db.session.get(User, volunteer.id).confirmed_name = None
        db.session.commit()
    response = issue(signed_in(app, volunteer))
    assert response.status_code == 422
    assert "samordnare" in field_error(response, "end")
    assert issued(app) is None
