"""My page: where a signed-in person stands, what comes next, and their own data."""
from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from . import accounts
from .catalog import availability_labels, skill_label, status_label
from .extensions import db
from .forms import ConfirmForm
from .i18n import spoken_language
from .shifts import coming_shift_count, feed_url

bp = Blueprint("me", __name__)


@bp.get("/me")
@login_required
def page():
    user = current_user
    return render_template(
        "me/page.html",
        user=user,
        welcome=request.args.get("welcome") == "1",
        status_label=status_label(user.status),
        languages=[spoken_language(code) for code in user.language_codes],
        skills=[skill_label(code) for code in user.skill_codes],
        availability=availability_labels(user),
        upcoming_shifts=coming_shift_count(user),
        feed_url=feed_url(user),
    )


@bp.get("/me/export")
@login_required
def export():
    """Everything stored about the signed-in person, as a JSON download."""
    response = jsonify(accounts.export_data(current_user))
    response.headers["Content-Disposition"] = 'attachment; filename="my-volunteer-data.json"'
    return response


@bp.route("/me/delete", methods=["GET", "POST"])
@login_required
def delete():
    """Delete the account after a confirming press of a button."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("me/delete.html", form=form)
    accounts.delete_account(current_user)
    db.session.commit()
    logout_user()
    flash(_("Your account and your data have been deleted."), "info")
    return redirect(url_for("main.home"), code=303)
