"""What ends a person's sign-ins: a new password, deactivation, a new role.

Each function changes the person and everything that must follow from it, and leaves the
commit to the caller.
"""
from app.auth import sessions
from app.auth import tokens


def set_password(user, password: str, *, reset_by_admin: bool = False) -> int:
    """A new password: every desktop session and every phone of the person ends (so that a
    thief of the old password is out everywhere); how many phones were signed out.

    An administrator's reset also makes the person choose their own password at their
    next desktop sign-in (``must_change_password``); choosing it clears that.
    """
    user.set_password(password)
    user.must_change_password = reset_by_admin
    sessions.end_everywhere(user)
    return tokens.revoke_all(user)


def set_active(user, active: bool) -> None:
    """Deactivating ends every desktop session and phone of the person at once; after a
    reactivation they sign in anew everywhere."""
    user.active = active
    sessions.end_everywhere(user)
    if not active:
        tokens.revoke_all(user)


def role_changed(user) -> None:
    """A new role: desktop sessions end, so that no page open under the old role goes on.
    Phones stay signed in; what they may do is looked up on every request."""
    sessions.end_everywhere(user)
