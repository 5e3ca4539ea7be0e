"""Coordinators: hours per volunteer, site and task for a period (page and CSV), the partnership's follow-up
(page, CSV and a PDF in Swedish), and the certificates issued for their organisations, which they can withdraw."""
from datetime import date

from flask import Blueprint, Response, abort, flash, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import clock
from ..audit import audit
from ..extensions import db
from ..i18n.catalog import gettext as _
from ..i18n.formats import join_list, number
from ..web.access import organisation_scope, organisations_in_scope, require_coordinator
from ..web.forms import page_number
from ..web.htmx import redirect_to, render_form
from ..web.spreadsheets import csv_response
from . import aggregates, certificates, partnership, pdf
from .forms import PartnershipForm, PeriodForm, WithdrawForm

bp = Blueprint("hours_report", __name__, url_prefix="/coordinator")
bp.before_request(require_coordinator)

PER_PAGE = 25


def period() -> tuple[PeriodForm, date, date]:
    """The period from the query string; by default this year up to today (Stockholm days)."""
    form = PeriodForm(request.args)
    today = clock.local_day(clock.now())
    valid = form.validate()
    start = (form.start.data if valid else None) or today.replace(month=1, day=1)
    end = (form.end.data if valid else None) or today
    if not form.start.data or not valid:
        form.start.data = start
    if not form.end.data or not valid:
        form.end.data = end
    return form, start, max(start, end)


@bp.get("/hours")
def hours_page():
    """The period's hours in total, per site and per task, then the people by name, a page at a time."""
    form, start, end = period()
    scope = organisation_scope(current_user)
    summary = aggregates.summary(scope, start, end)
    people = aggregates.people(scope, start, end, page_number(), PER_PAGE,
                               {t.key.id: t.key for t in summary.sites}, {t.key.id: t.key for t in summary.tasks})
    return render_form("hours/reports/page.html", form, summary=summary, people=people, start=start, end=end,
                       period_args={"start": start.isoformat(), "end": end.isoformat()})


@bp.get("/totals.csv")
def hours_csv():
    """The report's rows as CSV that Excel opens correctly (UTF-8 with BOM, no formulas)."""
    form, start, end = period()
    rows = aggregates.report(organisation_scope(current_user), start, end)
    audit("hours_exported", actor=current_user, start=start.isoformat(), end=end.isoformat(), rows=len(rows))
    db.session.commit()
    header = [_("Name"), _("E-mail"), _("Organisation"), _("Site"), _("Task"), _("Shifts"), _("Hours")]
    return csv_response(header, ((row.person.full_name, row.person.email, row.site.organisation.name, row.site.name,
                                  row.task.name_in(), row.shifts, number(row.hours)) for row in rows),
                        f"hours-{start}-{end}.csv")


def partnership_request() -> tuple[PartnershipForm, partnership.Report | None, dict]:
    """The partnership report asked for in the query string (this year up to today, all one's organisations by
    default), or None with the form's errors; and the arguments that ask for it again."""
    form = PartnershipForm(request.args)
    allowed = organisations_in_scope(current_user)
    form.organisations.choices = [SelectChoice(org.id, org.name) for org in allowed]
    if not form.validate():
        return form, None, {}
    today = clock.local_day(clock.now())
    form.start.data = form.start.data or today.replace(month=1, day=1)
    form.end.data = max(form.end.data or today, form.start.data)
    if len(partnership.months_of(form.start.data, form.end.data)) > partnership.MAX_MONTHS:
        form.end.errors.append(_("Choose a period of at most %(num)d months.", num=partnership.MAX_MONTHS))
        return form, None, {}
    chosen = [org for org in allowed if org.id in (form.organisations.data or [])] or allowed
    form.name.data = form.name.data or join_list(org.name for org in chosen)
    args = {"start": form.start.data.isoformat(), "end": form.end.data.isoformat(),
            "organisations": [org.id for org in chosen], "name": form.name.data}
    return form, partnership.report(chosen, form.start.data, form.end.data), args


@bp.get("/reports/partnership", endpoint="partnership")
def partnership_page():
    """The partnership's follow-up: per activity and target group, per month, trainings; a chart, CSV and PDF."""
    form, report, args = partnership_request()
    return render_form("hours/reports/partnership.html", form, report=report, args=args, shown=partnership.shown,
                       languages_text=partnership.languages_text,
                       in_the_period=partnership.in_the_period, small_number=partnership.small_number())


@bp.get("/reports/partnership.csv")
def partnership_csv():
    """The report's figures as CSV for Swedish Excel: the activities, then the months, then the period."""
    form, report, args = partnership_request()
    if report is None:
        return partnership_page()
    return csv_response(*partnership.table(report), f"partnership-{report.start}-{report.end}.csv")


@bp.get("/reports/partnership.pdf")
def partnership_pdf():
    """The report on one A4 page in Swedish, with the partnership's name and period, for the committee."""
    form, report, args = partnership_request()
    if report is None:
        return partnership_page()
    response = Response(pdf.render_partnership(report, form.name.data), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="partnership-{report.start}-{report.end}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/certificates")
def certificate_list():
    """Certificates naming one of the coordinator's organisations, newest first."""
    page = db.paginate(certificates.in_scope(current_user), page=page_number(), per_page=PER_PAGE,
                       error_out=False)
    return render_template("hours/reports/certificates.html", page=page)


@bp.route("/certificates/<int:certificate_id>/withdraw", methods=["GET", "POST"])
def withdraw(certificate_id: int):
    """Withdraw a certificate with a reason: its verification page then says so."""
    certificate = certificates.find_in_scope(current_user, certificate_id) or abort(404)
    form = WithdrawForm()
    if certificate.withdrawn_at is None and form.validate_on_submit():
        certificates.withdraw(certificate, current_user, form.reason.data)
        db.session.commit()
        flash(_("The certificate %(code)s is withdrawn.", code=certificate.display_code), "success")
        return redirect_to(url_for(".certificate_list"))
    refused = request.method == "POST" and certificate.withdrawn_at is not None  # withdrawn meanwhile
    return render_form("hours/reports/withdraw.html", form, 409 if refused else None, certificate=certificate,
                       sheet=certificates.sheet(certificate))
