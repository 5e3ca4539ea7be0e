"""Admins: partner organisations, who is a coordinator, the target groups activities serve, the audit log and the
e-mails that were not delivered."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from . import clock, delivery
from .accounts import service as accounts
from .audit import audit
from .extensions import db
from .i18n.catalog import gettext as _
from .i18n.languages import spoken_languages
from .i18n.locale import SITE_LOCALES
from .labels import ORGANISATION_KINDS
from .models import AuditEvent, Organisation, Role, TargetGroup, User
from .web.access import require_admin
from .web.forms import ConfirmForm, CoordinatorForm, OrganisationForm, TargetGroupForm, page_number
from .web.htmx import redirect_to, render_form

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(require_admin)

AUDIT_PER_PAGE = 50


def all_organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


@bp.get("/organisations")
def organisations():
    return render_template("admin/organisations.html", organisations=all_organisations(), kinds=ORGANISATION_KINDS,
                           form=OrganisationForm(formdata=None))


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
@bp.post("/organisations", defaults={"organisation_id": None})
def organisation(organisation_id: int | None):
    """Create a partner organisation, or edit one."""
    existing = db.session.get(Organisation, organisation_id) if organisation_id else None
    if organisation_id and existing is None:
        abort(404)
    form = OrganisationForm(obj=existing)
    if request.method == "GET" or not form.validate():
        return render_form("admin/organisation.html", form, organisation=existing)
    taken = db.session.scalar(select(Organisation).where(Organisation.name == form.name.data))
    if taken is not None and taken is not existing:
        form.name.errors.append(_("There is already an organisation with this name."))
        return render_form("admin/organisation.html", form, organisation=existing)
    organisation = existing or Organisation()
    form.populate_obj(organisation)
    db.session.add(organisation)
    db.session.flush()
    audit("organisation_saved" if existing else "organisation_created", actor=current_user,
                   organisation=organisation.name)
    db.session.commit()
    flash(_("%(name)s is saved.", name=organisation.name), "success")
    return redirect_to(url_for(".organisations"))


@bp.route("/coordinators", methods=["GET", "POST"])
def coordinators():
    """Who coordinates which organisations; grant the role to an existing account."""
    form = CoordinatorForm()
    form.organisations.choices = [SelectChoice(org.id, org.name) for org in all_organisations()]
    if form.validate_on_submit():
        person = accounts.find_user(form.email.normalized)
        if person is None:
            form.email.errors.append(_("No account has this address. Ask the person to sign up first."))
        else:
            chosen = [org for org in all_organisations() if org.id in form.organisations.data]
            accounts.set_coordinator(person, chosen, admin=form.admin.data, actor=current_user)
            db.session.commit()
            flash(_("%(name)s is now a coordinator.", name=person.full_name), "success")
            return redirect_to(url_for(".coordinators"))
    people = db.session.scalars(select(User).where(User.role != Role.VOLUNTEER).order_by(User.full_name))
    return render_form("admin/coordinators.html", form, people=list(people))


@bp.post("/coordinators/<int:person_id>/remove")
def remove_coordinator(person_id: int):
    """Take the coordinator role away; an admin cannot remove their own."""
    person = db.session.get(User, person_id)
    if person is None or person.role is Role.VOLUNTEER:
        abort(404)
    if person.id == current_user.id:
        flash(_("You cannot remove your own role. Ask another admin."), "error")
        return redirect_to(url_for(".coordinators"))
    accounts.remove_coordinator(person, actor=current_user)
    db.session.commit()
    flash(_("%(name)s is no longer a coordinator.", name=person.full_name), "success")
    return redirect_to(url_for(".coordinators"))


def all_target_groups() -> list[TargetGroup]:
    return sorted(db.session.scalars(select(TargetGroup)), key=lambda group: group.name_in().casefold())


@bp.get("/target-groups")
def target_groups():
    """Whom the partners' activities serve: sites and tasks name them, shifts inherit them, reports count them."""
    return render_template("admin/target_groups.html", groups=all_target_groups())


@bp.route("/target-groups/new", methods=["GET", "POST"])
@bp.route("/target-groups/<int:target_group_id>/edit", methods=["GET", "POST"])
def edit_target_group(target_group_id: int | None = None):
    """Add a target group or rename one, in every site language."""
    group = db.session.get(TargetGroup, target_group_id) or abort(404) if target_group_id else None
    form = TargetGroupForm.with_names()(obj=group)
    if group and not form.is_submitted():
        form.fill_names(group.names)
    if form.validate_on_submit():
        taken = db.session.scalar(select(TargetGroup.id).where(TargetGroup.code == form.code.data))
        if taken is not None and (group is None or taken != group.id):
            form.code.errors.append(_("There is already a target group with that code."))
        else:
            group = group or TargetGroup()
            group.code, group.names = form.code.data, form.names()
            db.session.add(group)
            db.session.flush()
            audit("target_group_saved", actor=current_user, target_group_id=group.id)
            db.session.commit()
            flash(_("The target group is saved."), "success")
            return redirect_to(url_for(".target_groups"))
    languages = {language.code: language for language in spoken_languages()}
    return render_form("admin/target_group.html", form, group=group, locales=SITE_LOCALES, languages=languages)


@bp.get("/audit")
def audit_log():
    """Every recorded action, newest first; people who have been deleted show as "deleted volunteer" and a number."""
    actions = list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
    # Only an action that has been recorded filters the list; anything else typed into the URL shows them all.
    action = request.args.get("action") if request.args.get("action") in actions else None
    query = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action == action)
    page = db.paginate(query, page=page_number(), per_page=AUDIT_PER_PAGE, error_out=False)
    ids = {i for event in page.items for i in (event.actor_id, event.subject_id) if i}
    names = dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all()) if ids else {}
    return render_template("admin/audit.html", page=page, names=names, actions=actions, action=action)


@bp.get("/messages")
def messages():
    """E-mails that were given up on after a day of failures, or refused by the recipient's mail server."""
    return render_template("admin/messages.html", messages=delivery.failed(), form=ConfirmForm())


@bp.post("/messages/<int:message_id>/retry")
def retry_message(message_id: int):
    """Queue a failed e-mail again, as the same message (the same Message-ID)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if delivery.retry(message_id, clock.now()):
        audit("message_retried", actor=current_user, message_id=message_id)
        db.session.commit()
        flash(_("The e-mail is queued to be sent again."), "success")
    return redirect(url_for(".messages"), code=303)
