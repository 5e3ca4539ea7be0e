"""From "needs X" to X: the next training sessions that give a qualification, for the cards that lack it."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import Training, TrainingSession

# A card names this many of the coming sessions; the link on the qualification lists them all.
PER_QUALIFICATION = 2


@dataclass(frozen=True)
class Lead:
    """One coming session that gives the qualification: plain values, so a cached card can be keyed on it."""

    session_id: int
    starts_at: datetime
    language: str


def next_sessions(qualification_ids: set[int], now: datetime) -> dict[int, tuple[Lead, ...]]:
    """The soonest coming sessions giving each qualification, by qualification id, in one query for a page."""
    if not qualification_ids:
        return {}
    rows = db.session.execute(
        select(Training.qualification_id, TrainingSession.id, TrainingSession.starts_at, TrainingSession.language)
        .join(TrainingSession.training)
        .where(Training.qualification_id.in_(sorted(qualification_ids)), TrainingSession.cancelled_at.is_(None),
               TrainingSession.starts_at > now)
        .order_by(TrainingSession.starts_at, TrainingSession.id)).all()
    leads: dict[int, list[Lead]] = {}
    for qualification_id, session_id, starts_at, language in rows:
        found = leads.setdefault(qualification_id, [])
        if len(found) < PER_QUALIFICATION:
            found.append(Lead(session_id, starts_at, language))
    return {qualification_id: tuple(found) for qualification_id, found in leads.items()}


def lead_to_trainings(cards: list, now: datetime) -> None:
    """Give each card whose person lacks a qualification the next sessions that give it."""
    lacking = {card.decision.lacks for card in cards if card.decision.lacks}
    found = next_sessions(lacking, now)
    for card in cards:
        card.leads = found.get(card.decision.lacks, ())
