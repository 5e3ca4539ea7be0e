"""A volunteer checks in and out of their shift with the code shown at the site: typed, or in the address a QR code
opens (which only fills in the form: a GET changes nothing, so a link preview cannot check anyone in)."""
from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user

from .. import clock
from ..extensions import config_limit, db, limiter
from ..i18n.catalog import gettext as _
from ..web.access import require_signed_in
from ..web.htmx import render_form
from .forms import CodeForm
from .service import Scan, by_code

bp = Blueprint("check_in", __name__)
bp.before_request(require_signed_in)


def _person() -> str:
    return f"check-in:{current_user.id}" if current_user.is_authenticated else request.remote_addr or ""


def _answer(scan: Scan, booking) -> str:
    if scan is Scan.NO_MATCH:
        return ""
    task = booking.shift.task.name_in()
    return {Scan.CHECKED_IN: _("You are checked in on %(task)s. Welcome!", task=task),
            Scan.CHECKED_OUT: _("You are checked out of %(task)s. Thank you!", task=task),
            Scan.JUST_ARRIVED: _("You are already checked in on %(task)s.", task=task),
            Scan.LEFT: _("You have already checked out of %(task)s.", task=task)}[scan]


@bp.route("/check-in", methods=["GET", "POST"])
@limiter.limit(config_limit("CHECK_IN_RATE_LIMIT"), key_func=_person, methods=["POST"])
def form():
    """The code form; the QR code's address fills it in. Entering the code checks in, and later out."""
    form = CodeForm(formdata=request.form if request.method == "POST" else request.args or None)
    if request.method == "GET":
        return render_form("leads/check_in.html", form, status=200)
    if not form.validate_on_submit():
        return render_form("leads/check_in.html", form)
    scan, booking = by_code(current_user, form.code.data, clock.now())
    if scan is Scan.NO_MATCH:
        db.session.rollback()
        form.code.errors.append(_("This is not the code of a shift of yours that is on now. Codes change every few "
                                  "minutes: check the code at the site and try again."))
        return render_form("leads/check_in.html", form)
    message = _answer(scan, booking)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("shifts.mine"), code=303)
