"""My page: where a signed-in person stands and what comes next."""
from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from .catalog import AVAILABILITY, SKILLS, STATUS_LABELS
from .i18n import spoken_language

bp = Blueprint("me", __name__)


@bp.get("/me")
@login_required
def page():
    user = current_user
    return render_template(
        "me/page.html",
        user=user,
        welcome=request.args.get("welcome") == "1",
        status_label=STATUS_LABELS[user.status.value],
        languages=[spoken_language(code) for code in user.language_codes],
        skills=[SKILLS[code] for code in user.skill_codes if code in SKILLS],
        availability=[label for key, label in AVAILABILITY.items() if getattr(user, f"available_{key}")],
    )
