"""Trainings for volunteers: upcoming sessions to enrol on, the waitlist's offers, my trainings."""
from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from .. import clock
from ..extensions import db
from ..i18n.catalog import lazy_gettext as _l
from ..models import Enrolment, EnrolmentStatus, PersonQualification, Shift, Site, Task, Training, TrainingSession, User
from ..rules import trainings as rules
from ..rules.qualifications import lasting
from ..rules.trainings import EnrolmentState
from ..web.access import require_signed_in
from ..web.htmx import is_htmx, redirect_to, render
from ..web.urls import safe_next
from . import enrolments

bp = Blueprint("trainings", __name__)

DONE = {
    "enrol": _l("You are enrolled."),
    "waitlist": _l("You are on the waitlist. We will e-mail you if a place frees up."),
    "confirm": _l("The place is yours. Welcome!"),
    "cancel": _l("Done. The place is free for someone else."),
}


@bp.before_request
def guard():
    """Signed-in people who may take trainings; an offer's link works on its own."""
    if request.endpoint == "trainings.offer":
        return None
    response = require_signed_in()
    if response is None and not rules.may_take_trainings(current_user):
        abort(403)
    return response


@dataclass
class Card:
    """One session as a person sees it: the state decides the explanation and the buttons."""

    session: TrainingSession
    state: EnrolmentState
    enrolment: Enrolment | None
    explanation: str
    refused: bool = False

    @property
    def buttons(self) -> list[tuple[str, str]]:
        return [(action, rules.button_label(self.state, action)) for action in self.state.actions]


def session_query():
    return select(TrainingSession).options(
        joinedload(TrainingSession.training).joinedload(Training.organisation),
        joinedload(TrainingSession.training).joinedload(Training.qualification))


def cards_for(user: User, sessions: list[TrainingSession]) -> list[Card]:
    now = clock.now()
    known = rules.standing(user, sessions)
    cards = []
    for session in sessions:
        state = rules.enrolment_state(user, session, now, known)
        enrolment = known.enrolments.get(session.id)
        cards.append(Card(session, state, enrolment, rules.explanation(state, session, enrolment, known, now)))
    return cards


def process_lapsed_offers() -> None:
    """Offers whose 24 hours have passed go on to the next person whenever trainings are looked at."""
    if enrolments.process_expired_offers(clock.now()):
        db.session.commit()


@bp.get("/trainings")
def page():
    process_lapsed_offers()
    sessions = db.session.scalars(
        session_query().where(TrainingSession.cancelled_at.is_(None), TrainingSession.starts_at > clock.now())
        .order_by(TrainingSession.starts_at)).unique().all()
    return render_template("trainings/page.html", cards=cards_for(current_user, sessions))


@bp.post("/trainings/<int:session_id>/<any(enrol, waitlist, confirm, cancel):action>")
def act(session_id: int, action: str):
    """Enrol, join the waitlist, confirm an offer or cancel: accepted only if the state allows it."""
    process_lapsed_offers()
    session = db.session.scalar(session_query().where(TrainingSession.id == session_id)) or abort(404)
    now = clock.now()
    if rules.enrolment_state(current_user, session, now).allows(action):
        try:
            enrolments.ACTIONS[action](current_user, session, now)
            db.session.commit()
            return _done(session, action)
        except (enrolments.Conflict, IntegrityError):
            db.session.rollback()
    return _refused(session)


def _back(session: TrainingSession) -> str:
    target = safe_next(request.form.get("next"), url_for("trainings.page"))
    return f"{target.split('#')[0]}#session-{session.id}"


def _done(session: TrainingSession, action: str):
    if is_htmx():
        card, = cards_for(current_user, [session])
        return render("trainings/page.html", "trainings/_session.html", card=card)
    flash(str(DONE[action]), "success")
    return redirect_to(_back(session))


def _refused(session: TrainingSession):
    """The card again, with where the person now stands: 409, never a 500."""
    db.session.refresh(session)
    card, = cards_for(current_user, [session])
    card.refused = True
    return render("trainings/refused.html", "trainings/_session.html", status=409, card=card,
                  back=_back(session))


@bp.get("/trainings/mine")
def mine():
    process_lapsed_offers()
    now = clock.now()
    mine = db.session.scalars(
        session_query().join(Enrolment).where(Enrolment.user_id == current_user.id)
        .order_by(TrainingSession.starts_at)).unique().all()
    coming = [card for card in cards_for(current_user, [s for s in mine if s.starts_at > now])
              if card.enrolment and card.enrolment.status in enrolments.HOLDING]
    attended = [card for card in cards_for(current_user, [s for s in mine if s.starts_at <= now])
                if card.enrolment.status is EnrolmentStatus.ATTENDED]
    return render_template("trainings/mine.html", coming=coming, attended=list(reversed(attended)),
                           qualifications=held_qualifications(current_user, now))


@dataclass
class Held:
    """A qualification the person holds (the longest-lasting record of it) and the shifts it opens."""

    record: PersonQualification
    valid: bool
    opens: list[tuple[str, dict]]


def held_qualifications(user: User, now) -> list[Held]:
    records = db.session.scalars(
        select(PersonQualification).options(joinedload(PersonQualification.qualification))
        .where(PersonQualification.user_id == user.id)).all()
    best: dict[int, PersonQualification] = {}
    for record in sorted(records, key=lasting):
        best[record.qualification_id] = record  # the longest-lasting comes last
    opens: dict[int, list] = {}
    if best:
        rows = db.session.execute(
            select(Shift.required_qualification_id, Shift.site_id, Shift.task_id).distinct()
            .where(Shift.required_qualification_id.in_(best), Shift.starts_at > now)).all()
        sites = {site.id: site.name for site in db.session.scalars(select(Site))}
        tasks = {task.id: task.names for task in db.session.scalars(select(Task))}
        for qualification_id, site_id, task_id in rows:
            opens.setdefault(qualification_id, []).append((sites[site_id], tasks[task_id]))
    return [Held(record, record.valid_at(now), sorted(opens.get(qid, []), key=lambda pair: pair[0]))
            for qid, record in best.items()]


@bp.route("/trainings/offers/<token>", methods=["GET", "POST"])
def offer(token: str):
    """The e-mailed link: a page with one button that takes the held place (scanners only GET)."""
    enrolment = enrolments.enrolment_for_token(token) or abort(404)
    process_lapsed_offers()
    db.session.refresh(enrolment)
    session, user, now = enrolment.session, enrolment.user, clock.now()
    state = rules.enrolment_state(user, session, now)
    status = 200
    if request.method == "POST":
        if state.allows("confirm"):
            try:
                enrolments.confirm_offer(user, session, now)
                db.session.commit()
                flash(str(DONE["confirm"]), "success")
                return redirect(url_for("trainings.offer", token=token), code=303)
            except enrolments.Conflict:
                db.session.rollback()
        status = 409
    card, = cards_for(user, [session])
    return render_template("trainings/offer.html", card=card, token=token), status
