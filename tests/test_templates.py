"""Templates ask the rules instead of restating them; the enums carry their own translated labels."""
import re
from pathlib import Path

import pytest
from flask_babel import force_locale

from volunteer.models import BookingStatus, EnrolmentStatus, MessageStatus, RecordKind, Role, Status
from volunteer.models.base import LabelledEnum
from volunteer.shifts.handovers import Progress

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
# `status.value == 'approved'` and the like: a rule written again in the template.
VALUE_COMPARISON = re.compile(r"\.value\s*(==|!=|in\b|not\s+in\b)")
LABELLED = [Status, Role, BookingStatus, EnrolmentStatus, RecordKind, MessageStatus, Progress]


def test_there_are_templates_to_scan():
    assert len(TEMPLATES) > 50


def test_no_template_compares_an_enum_value():
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for path in TEMPLATES for number, line in enumerate(path.read_text().splitlines(), 1)
             if VALUE_COMPARISON.search(line)]
    assert not found, "ask a rule or a property instead:\n" + "\n".join(found)


def test_the_scan_finds_a_comparison():
    assert VALUE_COMPARISON.search("{% if person.status.value in ('approved', 'inactive') %}")
    assert VALUE_COMPARISON.search("{{ 'x' if booking.status.value != 'booked' }}")
    assert not VALUE_COMPARISON.search('<p class="status status--{{ person.status.value }}">')


def test_every_labelled_enum_is_checked():
    assert set(LabelledEnum.__subclasses__()) == set(LABELLED)


@pytest.mark.parametrize("enum", LABELLED, ids=lambda enum: enum.__name__)
def test_every_member_has_a_label_translated_into_swedish(app, enum):
    with app.app_context():
        with force_locale("en"):
            english = {member: str(member.label) for member in enum}
        with force_locale("sv"):
            swedish = {member: str(member.label) for member in enum}
    assert all(english.values())
    assert [member for member in enum if swedish[member] == english[member]] == []


def test_no_blueprint_adds_to_every_template():
    """What every template can use is registered in web/templating.py, not by one feature for all."""
    found = [str(path.relative_to(ROOT)) for path in (ROOT / "volunteer").rglob("*.py")
             if "app_context_processor" in path.read_text()]
    assert found == []


# A box that scrolls sideways must be reachable by keyboard and named, or a keyboard user cannot read what it hides.
SCROLL_BOX = re.compile(r"<div[^>]*class=\"table-scroll\"[^>]*>")


def test_every_sideways_scrolling_table_is_focusable_and_named():
    found = [(path, match.group(0)) for path in TEMPLATES for match in SCROLL_BOX.finditer(path.read_text())]
    assert len(found) >= 10
    unreachable = [f"{path.relative_to(ROOT)}: {tag}" for path, tag in found
                   if 'tabindex="0"' not in tag or 'role="region"' not in tag or "aria-label" not in tag]
    assert not unreachable, "give it tabindex=\"0\", role=\"region\" and a name:\n" + "\n".join(unreachable)
