"""Trainings for volunteers: upcoming sessions to enrol on, the waitlist's offers, my trainings."""
from dataclasses import dataclass

from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import clock
from ..extensions import db
from ..i18n.catalog import lazy_gettext as _l
from ..models import (Enrolment, EnrolmentStatus, PersonQualification, Qualification, Shift, Site, Task, Training,
                      TrainingSession, User)
from ..rules import trainings as rules
from ..rules.qualifications import lasting
from ..web import places
from ..web.access import require_signed_in
from ..web.urls import LARGEST_ID
from . import enrolments

bp = Blueprint("trainings", __name__)

DONE = {
    "enrol": _l("You are enrolled."),
    "waitlist": _l("You are on the waitlist. We will e-mail you if a place frees up."),
    "confirm": _l("The place is yours. Welcome!"),
    "cancel": _l("Done. The place is free for someone else."),
    "move": _l("You have moved to this session and left the other one."),
}


@bp.before_request
def guard():
    """Signed-in people (whether they may enrol is the ladder's approval gate, with its reason); an offer's link
    works on its own."""
    if request.endpoint == "trainings.offer":
        return None
    return require_signed_in()


def session_query():
    return select(TrainingSession).options(
        joinedload(TrainingSession.training).joinedload(Training.organisation),
        joinedload(TrainingSession.training).joinedload(Training.qualification))


def training_session_by_id(training_session_id: int) -> TrainingSession | None:
    return db.session.scalar(session_query().where(TrainingSession.id == training_session_id))


FLOW = places.Flow(kind=rules.TRAININGS, load=training_session_by_id, actions=enrolments.ACTIONS,
                   lapse=enrolments.process_expired_offers, partial="trainings/_session.html",
                   refused="trainings/refused.html", offer_page="trainings/offer.html", back_to="trainings.page",
                   anchor="session", done=DONE)


def cards_for(user: User, training_sessions: list[TrainingSession]) -> list[places.Card]:
    return places.cards_for(rules.TRAININGS, user, training_sessions)


@bp.get("/trainings")
def page():
    """Coming sessions; ?gives=<qualification id> keeps those that give it (a shift card's "needs X" leads here)."""
    query = session_query().where(TrainingSession.cancelled_at.is_(None), TrainingSession.starts_at > clock.now())
    wanted = request.args.get("gives", type=int)
    gives = db.session.get(Qualification, wanted) if wanted and 0 < wanted <= LARGEST_ID else None
    if gives is not None:
        query = query.where(TrainingSession.training.has(Training.qualification_id == gives.id))
    training_sessions = db.session.scalars(query.order_by(TrainingSession.starts_at)).unique().all()
    return render_template("trainings/page.html", cards=cards_for(current_user, training_sessions), gives=gives)


@bp.post("/trainings/<int:session_id>/<any(enrol, waitlist, confirm, cancel, move):action>")
def act(session_id: int, action: str):
    """Enrol, join the waitlist, confirm an offer, cancel or move here from another session of the training:
    accepted only if the decision allows it."""
    return places.act(FLOW, session_id, action)


@bp.get("/trainings/mine")
def mine():
    now = clock.now()
    mine = db.session.scalars(
        session_query().join(Enrolment).where(Enrolment.user_id == current_user.id)
        .order_by(TrainingSession.starts_at)).unique().all()
    coming = [card for card in cards_for(current_user, [each for each in mine if each.starts_at > now])
              if card.row and card.row.status in rules.SEATS.cancellable]
    attended = [card for card in cards_for(current_user, [each for each in mine if each.starts_at <= now])
                if card.row.status is EnrolmentStatus.ATTENDED]
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
    return places.offer(FLOW, token)
