"""The volunteer directory for coordinators: search, filters, CSV export, the language overview and who lapses this
month."""
from flask import Blueprint, render_template, request
from flask_login import current_user

from .. import clock, lapses
from ..audit import audit
from ..extensions import db
from ..i18n.catalog import gettext as _
from ..clock import local_day
from ..i18n.formats import to_user_timezone
from ..i18n.languages import language_name, spoken_language
from ..labels import availability_labels, skill_label
from ..models import User
from ..web.access import contact_visible, require_coordinator
from ..web.forms import display_phone, page_number
from ..web.spreadsheets import csv_response
from . import service as vetting
from .forms import filter_form

bp = Blueprint("directory", __name__, url_prefix="/coordinator")
bp.before_request(require_coordinator)

PER_PAGE = 25


def directory_query(filters: dict):
    query = vetting.filtered(vetting.people_in_scope(current_user), filters)
    return vetting.with_profile(query.order_by(User.full_name, User.id))


@bp.get("/volunteers")
def volunteers():
    form = filter_form()
    page = db.paginate(directory_query(form.filters()), page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template("vetting/directory/page.html", form=form, page=page,
                           contact=contact_visible(current_user, [person.id for person in page.items]),
                           query_args={k: v for k, v in request.args.items() if k != "page"})


@bp.get("/volunteers.csv")
def export_csv():
    """The filtered directory as CSV that Excel opens correctly (UTF-8 with BOM, no formulas)."""
    filters = filter_form().filters()
    people = list(db.session.scalars(directory_query(filters)))
    # The search text may be someone's name or address: the audit trail notes only that there was one.
    audit("directory_exported", actor=current_user, rows=len(people), searched=bool(filters.get("q")),
          filters={k: str(v) for k, v in filters.items() if k != "q"})
    db.session.commit()
    header = [_("Name"), _("E-mail"), _("Mobile phone"), _("Status"), _("Languages"), _("Skills"), _("Available"),
              _("Preferred organisations"), _("Signed up")]
    return csv_response(header, csv_rows(people, contact_visible(current_user, [p.id for p in people])),
                        "volunteers.csv")


def csv_rows(people: list[User], contact: set[int]):
    """The people as CSV rows; phone numbers only for those the coordinator needs to reach."""
    for person in people:
        yield (
            person.full_name, person.email,
            display_phone(person.phone) if person.phone and person.id in contact else "",
            person.status.label,
            ", ".join(language_name(code) for code in person.language_codes),
            ", ".join(str(skill_label(code)) for code in person.skill_codes),
            ", ".join(str(label) for label in availability_labels(person)),
            ", ".join(org.name for org in person.preferred_organisations),
            to_user_timezone(person.created_at).strftime("%Y-%m-%d %H:%M"),
        )


@bp.get("/languages")
def languages():
    """How many approved volunteers speak each language, per preferred organisation."""
    organisations, counts = vetting.language_overview(current_user)
    return render_template("vetting/directory/languages.html", organisations=organisations, counts=counts,
                           language=spoken_language)


@bp.get("/lapsing")
def lapsing():
    """Qualifications and record extracts of the coordinator's people whose last valid day is this month."""
    today = local_day(clock.now())
    first, last = lapses.month_bounds(today)
    people = vetting.people_in_scope(current_user).with_only_columns(User.id)
    return render_template("vetting/directory/lapsing.html", month=first, today=today,
                           lapses=lapses.lapsing(people, first, last))
