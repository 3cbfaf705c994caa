"""Who may use the office pages.

Managers, supervisors (the quality department included) and admins review everything of
their sites. Staff and team leads work their own and their team's follow-ups at the desk
too. Guards who lead no team have the phone only.
"""
from functools import wraps

from flask import abort
from flask import redirect
from flask import request
from flask import url_for
from flask_login import current_user

REVIEW_ROLES = ("manager", "supervisor", "admin")
# Who may see one visitor's full ID or phone number, with a reason that is audited:
# supervisors (the quality department among them) and admins, not managers.
REVEAL_ROLES = ("supervisor", "admin")


def may_review(user) -> bool:
    """Reads every record of the user's sites (dashboard, lists, search)."""
    return user is not None and user.is_authenticated and user.role in REVIEW_ROLES


def may_reveal(user) -> bool:
    """Reveals a visitor's full number on the visit's page (app/gate/reveal.py)."""
    return may_review(user) and user.role in REVEAL_ROLES


def may_work_followups(user) -> bool:
    """Uses the follow-up desk: reviewers, staff, and team leads of any post."""
    return may_review(user) or (user is not None and user.is_authenticated
                                and (user.role == "staff" or bool(user.is_team_lead)))


# Who takes owners' repair requests at the desk (前台接待): the reviewers, and customer
# service. The front desk's own role joins here when it exists: ``+ ("clerk",)``.
INTAKE_ROLES = REVIEW_ROLES
INTAKE_POSTS = ("customer_service",)
# Who approves the past week's repair orders on Mondays (每周一审批《维修任务单》).
APPROVE_ROLES = ("manager", "supervisor", "admin")


def may_take_requests(user) -> bool:
    """Takes owners' repair requests at the desk and reads the repair orders."""
    return user is not None and user.is_authenticated and (
        user.role in INTAKE_ROLES or (user.role == "staff" and user.post in INTAKE_POSTS))


def may_approve_repairs(user) -> bool:
    """Approves repair orders of the user's sites (the site checks are the caller's)."""
    return user is not None and user.is_authenticated and user.role in APPROVE_ROLES


def _gate(allowed):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path))
            if not allowed(current_user):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


review_required = _gate(may_review)
followups_required = _gate(may_work_followups)
repairs_required = _gate(may_take_requests)
approval_required = _gate(may_approve_repairs)
