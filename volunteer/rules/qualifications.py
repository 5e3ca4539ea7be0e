"""Which of a person's records of a qualification counts at a moment."""
from datetime import datetime, timezone

from ..models import PersonQualification


def best_held(qualifications: list[PersonQualification], qualification_id: int | None,
              moment: datetime) -> PersonQualification | None:
    """The person's record of that qualification valid at the moment, the longest-lasting one."""
    valid = [held for held in qualifications if held.qualification_id == qualification_id and held.valid_at(moment)]
    return max(valid, key=lasting, default=None)


def lasting(held: PersonQualification) -> datetime:
    """Sort key: when a qualification record runs out (never, for one without expiry)."""
    return held.expires_at or datetime.max.replace(tzinfo=timezone.utc)
