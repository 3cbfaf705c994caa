"""Which follow-ups a person sees at the desk, and the filters of the board and the list.

Reviewers see every follow-up of their sites. Staff and team leads see their own, and a
team lead also those of their post or held by a person of their post: the same reach
``sync.followup_policy`` gives them, so nobody is shown work they cannot touch.
"""
from __future__ import annotations

from sqlalchemy import exists
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.models import FollowUp
from app.models import User
from app.office.access import may_review
from app.office.filters import ListFilters
from app.office.filters import within
from app.models import utcnow

SORTS = {"due": FollowUp.due_at, "opened": FollowUp.opened_at, "status": FollowUp.status,
         "level": FollowUp.escalation_level}
STATUS_FILTERS = ("open", "in_progress", "resolved", "closed", "active", "late", "escalated")


def reach(stmt, user):
    """Limit ``stmt`` (over FollowUp) to what ``user`` may see beyond their sites."""
    if may_review(user):
        return stmt
    mine = FollowUp.assignee_id == user.id
    if not (user.is_team_lead and user.post):
        return stmt.where(mine)
    holder = aliased(User)
    team = exists(select(holder.id).where(holder.id == FollowUp.assignee_id, holder.post == user.post))
    return stmt.where(or_(mine, FollowUp.post == user.post, team))


def visible(user, f: ListFilters):
    """Follow-ups of the chosen sites that ``user`` may see, with the list's filters."""
    stmt = reach(select(FollowUp).where(FollowUp.site_id.in_(f.site_ids), FollowUp.deleted_at.is_(None)), user)
    if f.person:
        stmt = stmt.where(FollowUp.assignee_id == f.person)
    if f.category:
        stmt = stmt.where(FollowUp.category == f.category)
    now = utcnow()
    if f.status in ("open", "in_progress", "resolved", "closed"):
        stmt = stmt.where(FollowUp.status == f.status)
    elif f.status == "active":
        stmt = stmt.where(FollowUp.status.in_(("open", "in_progress")))
    elif f.status == "late":
        stmt = stmt.where(FollowUp.status.in_(("open", "in_progress")), FollowUp.due_at < now)
    elif f.status == "escalated":
        stmt = stmt.where(FollowUp.status.in_(("open", "in_progress")), FollowUp.escalation_level > 0)
    if f.q:
        stmt = stmt.where(FollowUp.title.contains(f.q, autoescape=True))
    return within(stmt, FollowUp.opened_at, f)
