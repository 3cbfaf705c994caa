"""Who may use the office pages.

Managers, supervisors (the quality department included) and admins review everything of
their sites. Staff and team leads work their own and their team's follow-ups at the desk
too. The front desk (客户服务助理, role ``clerk``, and the customer-service post) takes and
answers complaints. Guards who lead no team have the phone only.
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
# The front desk (客服前台) keeps the units' registers: decoration permits and rental
# households. Reviewers, and staff of the customer-service post.


def may_review(user) -> bool:
    """Reads every record of the user's sites (dashboard, lists, search)."""
    return user is not None and user.is_authenticated and user.role in REVIEW_ROLES


def may_reveal(user) -> bool:
    """Reveals a visitor's full number on the visit's page (app/gate/reveal.py)."""
    return may_review(user) and user.role in REVEAL_ROLES


def may_work_followups(user) -> bool:
    """Uses the follow-up desk: reviewers, staff, clerks, and team leads of any post."""
    return may_review(user) or (user is not None and user.is_authenticated
                                and (user.role in ("staff", "clerk") or bool(user.is_team_lead)))


def may_use_desk(user) -> bool:
    """The front desk: complaints, the duty log, repair requests. The engine holds the same
    rule for what they record (``sync.complaints.may_handle``)."""
    if user is None or not user.is_authenticated:
        return False
    from sync.complaints import may_handle
    return may_review(user) or may_handle(user)


# Who takes owners' repair requests at the desk (前台接待): the reviewers, and customer
# service. The front desk's own role joins here when it exists: ``+ ("clerk",)``.
# Who approves the past week's repair orders on Mondays (每周一审批《维修任务单》).
APPROVE_ROLES = ("manager", "supervisor", "admin")


def may_take_requests(user) -> bool:
    """Takes owners' repair requests at the desk and reads the repair orders: the front desk."""
    return may_use_desk(user)


def may_approve_repairs(user) -> bool:
    """Approves repair orders of the user's sites (the site checks are the caller's)."""
    return user is not None and user.is_authenticated and user.role in APPROVE_ROLES


def may_chair_meetings(user) -> bool:
    """Records a morning or weekly meeting at the desk: managers, supervisors, admins and
    team leads, the engine's own rule (``sync.meeting_rules.may_record``)."""
    if user is None or not user.is_authenticated:
        return False
    from sync.meeting_rules import may_record
    return may_record(user.role, bool(user.is_team_lead))


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
desk_required = _gate(may_use_desk)
repairs_required = _gate(may_take_requests)
approval_required = _gate(may_approve_repairs)
chair_required = _gate(may_chair_meetings)
