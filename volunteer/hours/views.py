"""A volunteer's hours and certificates: per month, task and site; a certificate to print or download."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..i18n.catalog import gettext as _
from ..models import Certificate
from ..web.access import require_signed_in
from ..web.htmx import render_form
from . import certificates, pdf, qr, totals
from .forms import CertificateForm, PeriodForm

bp = Blueprint("hours", __name__)
bp.before_request(require_signed_in)


def own_certificate(certificate_id: int) -> Certificate:
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or certificate.user_id != current_user.id:
        abort(404)
    return certificate


def own_certificates() -> list[Certificate]:
    return list(db.session.scalars(select(Certificate).where(Certificate.user_id == current_user.id)
                                   .order_by(Certificate.issued_at.desc(), Certificate.id.desc())))


@bp.get("/me/hours")
def page():
    """Hours per month, task and site, and the trainings attended, in a period (all time by default)."""
    form = PeriodForm(request.args)
    start, end = (form.start.data, form.end.data) if form.validate() else (None, None)
    return render_form("hours/page.html", form, summary=totals.summary(current_user, start, end),
                       certificates=own_certificates())


@bp.route("/me/certificates/new", methods=["GET", "POST"])
def new_certificate():
    """Choose a period and a language; the certificate is issued from the hours recorded in it."""
    form = CertificateForm()
    if request.method == "GET":
        everything = totals.summary(current_user)
        first = min([b.shift.starts_at for b in everything.bookings]
                    + [e.session.starts_at for e in everything.enrolments], default=clock.now())
        form.start.data, form.end.data = clock.local_day(first), clock.local_day(clock.now())
        form.locale.data = current_user.locale if current_user.locale in certificates.CERTIFICATE_LOCALES else "sv"
    elif form.validate():
        try:
            certificate = certificates.issue(current_user, form.start.data, form.end.data, form.locale.data)
        except certificates.NothingToCertify:
            form.end.errors.append(_("No attended shifts or trainings are recorded in this period."))
        except certificates.NameNotConfirmed:
            form.end.errors.append(_("A coordinator has not confirmed your name yet; ask them to, then try again."))
        else:
            db.session.commit()
            flash(_("Your certificate is ready. Print it or download it as PDF."), "success")
            return redirect(url_for(".certificate", certificate_id=certificate.id), code=303)
    return render_form("hours/new_certificate.html", form)


@bp.get("/me/certificates/<int:certificate_id>")
def certificate(certificate_id: int):
    """The certificate on one printable A4 page, in the language it was issued in."""
    certificate = own_certificate(certificate_id)
    sheet = certificates.sheet(certificate)
    return render_template("hours/certificate.html", certificate=certificate, sheet=sheet,
                           qr_svg=qr.svg(sheet.verify_url, _("QR code to the verification page")))


@bp.get("/me/certificates/<int:certificate_id>.pdf")
def certificate_pdf_download(certificate_id: int):
    certificate = own_certificate(certificate_id)
    data = pdf.render(certificates.sheet(certificate), author=_("Volunteer at evacuation housing"))
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="certificate-{certificate.display_code}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
