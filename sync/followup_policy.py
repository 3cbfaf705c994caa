"""Who may do what to a follow-up: one rule for the phone's ``followup.update`` and the desk.

The rules follow the work instructions' chain of responsibility:

* the assignee and their team lead work it: start, note, resolve (a manager or above
  may resolve too, on their behalf);
* a team lead or the service-centre manager (and above) direct it: assign, reassign and
  change the due time;
* only the manager, a supervisor or the quality department judge it: verify, close,
  reopen; once escalated to the quality department (level 2) only a supervisor (品质部)
  or an admin may judge it;
* anyone who may act on it may add a note.

A team lead leads the people of their post: they may act on a follow-up of their post or
one held by a person of their post. Everything is limited to the actor's sites; callers
check that first (an unknown follow-up is "not found", not "refused").
"""
from __future__ import annotations

from typing import Any

from sync import messages as m
from sync.followups import CLOSED
from sync.followups import IN_PROGRESS
from sync.followups import OPEN
from sync.followups import RESOLVED
from sync.store import UserRef

START, NOTE, RESOLVE, ASSIGN, DUE, VERIFY, CLOSE, REOPEN = (
    "start", "note", "resolve", "assign", "due", "verify", "close", "reopen")
ACTIONS = (START, NOTE, RESOLVE, ASSIGN, DUE, VERIFY, CLOSE, REOPEN)
QUALITY_LEVEL = 2

ASSIGNEE, TEAM_LEAD, MANAGER, SUPERVISOR, ADMIN = "assignee", "team_lead", "manager", "supervisor", "admin"
JUDGES = frozenset({MANAGER, SUPERVISOR, ADMIN})
ALLOWED: dict[str, frozenset[str]] = {
    START: frozenset({ASSIGNEE, TEAM_LEAD}),
    RESOLVE: frozenset({ASSIGNEE, TEAM_LEAD}) | JUDGES,
    NOTE: frozenset({ASSIGNEE, TEAM_LEAD}) | JUDGES,
    ASSIGN: frozenset({TEAM_LEAD}) | JUDGES,
    DUE: frozenset({TEAM_LEAD}) | JUDGES,
    VERIFY: JUDGES,
    CLOSE: JUDGES,
    REOPEN: JUDGES,
}
REFUSALS = {
    START: m.POLICY_WORK,
    RESOLVE: m.POLICY_WORK,
    NOTE: m.POLICY_NOTE,
    ASSIGN: m.POLICY_DIRECT,
    DUE: m.POLICY_DIRECT,
    VERIFY: m.POLICY_JUDGE,
    CLOSE: m.POLICY_JUDGE,
    REOPEN: m.POLICY_JUDGE,
}
# Where each action may start from, and the status it leads to (None: status unchanged).
STEPS: dict[str, tuple[frozenset[str], str | None]] = {
    START: (frozenset({OPEN}), IN_PROGRESS),
    RESOLVE: (frozenset({OPEN, IN_PROGRESS}), RESOLVED),
    VERIFY: (frozenset({RESOLVED}), CLOSED),
    CLOSE: (frozenset({OPEN, IN_PROGRESS}), CLOSED),  # the desk resolves, then verifies
    REOPEN: (frozenset({RESOLVED, CLOSED}), OPEN),
    NOTE: (frozenset({OPEN, IN_PROGRESS, RESOLVED, CLOSED}), None),
    ASSIGN: (frozenset({OPEN, IN_PROGRESS}), None),
    DUE: (frozenset({OPEN, IN_PROGRESS}), None),
}


def standings(actor: UserRef, followup: dict[str, Any], assignee: UserRef | None) -> frozenset[str]:
    """What the actor is to this follow-up: its assignee, a team lead over it, a judge."""
    if not actor.active or followup["site_id"] not in actor.site_ids:
        return frozenset()
    found = set()
    if followup.get("assignee_id") == actor.id:
        found.add(ASSIGNEE)
    if actor.is_team_lead and actor.post and actor.post in {
            followup.get("post"), assignee.post if assignee is not None else None}:
        found.add(TEAM_LEAD)
    if actor.role in (MANAGER, SUPERVISOR, ADMIN):
        found.add(actor.role)
    return frozenset(found)


def refusal(actor: UserRef, followup: dict[str, Any], action: str,
            assignee: UserRef | None = None) -> str | None:
    """``None`` when the actor may take ``action`` now, else the msgid saying why not.

    :param assignee: the current assignee, to tell whether a team lead leads them
    """
    who = standings(actor, followup, assignee)
    if not who & ALLOWED[action]:
        return REFUSALS[action]
    if (action in (VERIFY, CLOSE, REOPEN) and followup.get("escalation_level", 0) >= QUALITY_LEVEL
            and not who & {SUPERVISOR, ADMIN}):
        return m.POLICY_QUALITY
    return None


def status_action(current: str, target: str) -> str | None:
    """The action a requested status change amounts to (``None``: no change)."""
    if target == current:
        return None
    if target == IN_PROGRESS:
        return START
    if target == RESOLVED:
        return RESOLVE
    if target == CLOSED:
        return VERIFY
    if current in (RESOLVED, CLOSED):
        return REOPEN
    return START  # back from in progress to open: the worker's own call


def available(actor: UserRef, followup: dict[str, Any], assignee: UserRef | None = None) -> list[str]:
    """The actions the desk offers this person now: allowed and fitting the status."""
    return [action for action in ACTIONS
            if followup["status"] in STEPS[action][0] and refusal(actor, followup, action, assignee) is None]
