"""The public verification of a certificate: anyone with its code sees the facts as issued, or that it was
withdrawn, and nothing else. Lookups are rate-limited per address on top of the codes' 80 random bits."""
from flask import Blueprint, redirect, render_template, request, url_for

from ..extensions import config_limit, limiter
from ..models.certificates import grouped
from . import certificates
from .forms import VerifyForm

bp = Blueprint("verify", __name__)


@bp.get("/verify")
@limiter.limit(config_limit("VERIFY_RATE_LIMIT"))
def form():
    """A form to type the code; a valid-looking code goes on to its page."""
    form = VerifyForm(request.args)
    if "code" not in request.args:
        return render_template("hours/verification/form.html", form=form)
    if not form.validate():
        return render_template("hours/verification/form.html", form=form), 422
    return redirect(url_for(".show", code=grouped(certificates.normalize_code(form.code.data))), code=303)


@bp.get("/verify/<code>")
@limiter.limit(config_limit("VERIFY_RATE_LIMIT"))
def show(code: str):
    certificate = certificates.find(code) if len(code) <= 40 else None
    if certificate is None:
        return render_template("hours/verification/unknown.html", form=VerifyForm(formdata=None, code=code[:40])), 404
    response = render_template("hours/verification/show.html", certificate=certificate,
                               sheet=None if certificate.withdrawn_at else certificates.sheet(certificate))
    return response, 200, {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
