"""Whom sites, tasks and shifts serve: a shift serves its site's and its task's target groups, or the fewer a
coordinator chose. Only kinds of people are named, never a person."""
from sqlalchemy import select, union
from wtforms.fields.choices import SelectChoice

from ..extensions import db
from ..i18n.catalog import gettext as _
from ..models import TargetGroup, site_target_groups, task_target_groups


def every() -> list[TargetGroup]:
    """All target groups, by name in the reader's language."""
    return sorted(db.session.scalars(select(TargetGroup)), key=lambda group: group.name_in().casefold())


def choices() -> list[SelectChoice]:
    return [SelectChoice(group.id, group.name_in()) for group in every()]


def chosen(ids) -> list[TargetGroup]:
    """The groups with these ids, in a stable order."""
    ids = set(ids or ())
    if not ids:
        return []
    return list(db.session.scalars(select(TargetGroup).where(TargetGroup.id.in_(ids)).order_by(TargetGroup.id)))


def inherited_ids(site_id: int, task_id: int) -> set[int]:
    """The groups a shift of this task at this site serves unless narrowed: the site's and the task's."""
    query = union(select(site_target_groups.c.target_group_id).where(site_target_groups.c.site_id == site_id),
                  select(task_target_groups.c.target_group_id).where(task_target_groups.c.task_id == task_id))
    return set(db.session.scalars(query))


class NotServed(ValueError):
    """A shift was narrowed to a group its site and task do not serve."""

    def __init__(self, groups: list[TargetGroup]):
        names = ", ".join(group.name_in() for group in groups)
        super().__init__(_("Neither the site nor the task serves %(groups)s: choose among the groups they serve, "
                           "or none to keep them all.", groups=names))


def for_shift(site_id: int, task_id: int, narrowed) -> list[TargetGroup]:
    """The groups a shift serves: those chosen (some of the inherited ones), or all the inherited ones when none
    was chosen. Raises NotServed for a chosen group outside them."""
    inherited = inherited_ids(site_id, task_id)
    narrowed = set(narrowed or ())
    outside = narrowed - inherited
    if outside:
        raise NotServed(chosen(outside))
    return chosen(narrowed or inherited)


def shown_narrowing(shift) -> list[int]:
    """What the shift form ticks: nothing when the shift serves all it inherits, else the groups it kept."""
    own = {group.id for group in shift.target_groups}
    return [] if own == inherited_ids(shift.site_id, shift.task_id) else sorted(own)
