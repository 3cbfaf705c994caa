"""People who sign in, their device tokens and the record of sign-in attempts."""
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean
from sqlalchemy import Column
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy import false
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app import passwords
from app.extensions import db
from app.models.base import IdMixin
from app.models.base import Synced
from app.models.base import UTCDateTime
from app.models.base import utcnow

# clerk: 客户服务助理, the front desk that takes complaints and repair requests.
ROLES = ("guard", "clerk", "staff", "manager", "supervisor", "admin")
# Not a person: a shared phone at one of a site's gates (东门岗). It signs in with a code
# the admin's QR gives, never a password; people work on it in shifts (``app/posts``).
POST_ROLE = "post"
POSTS = ("security", "customer_service", "repair", "cleaning", "store")

user_sites = Table(
    "user_sites",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, Synced, db.Model):
    """A person at the company. ``role`` decides what they may do, ``post`` what they are sent."""

    __tablename__ = "users"
    sync_type = "user"
    sync_collections = ("sites",)
    company_id: Mapped[str] = mapped_column(ForeignKey("companies.id"), nullable=False)
    username: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    display_name: Mapped[str] = mapped_column(String(60), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False, default="guard")
    post: Mapped[str | None] = mapped_column(String(24))
    is_team_lead: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    # Part of every desktop session's id: one more ends all of this person's sessions.
    session_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    # A shift PIN for post phones (``app.pins``): 4–6 digits, hashed so a phone can check it.
    pin_hash: Mapped[str | None] = mapped_column(String(120))
    # Set by an administrator's reset: until they choose their own, they may only do that.
    must_change_password: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                                       server_default=false())

    sites = relationship("Site", secondary=user_sites, order_by="Site.name")

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session: the user and their session version."""
        return f"{self.id}:{self.session_version or 0}"

    def set_password(self, password: str) -> None:
        """Store an Argon2id hash of ``password`` (``app.passwords``)."""
        self.password_hash = passwords.hash_password(password)

    def check_password(self, password: str) -> bool:
        """Whether ``password`` is this person's.

        .. note:: A correct password whose stored hash is werkzeug's, or Argon2id with
           other parameters, is re-hashed in place; the caller commits.
        """
        if not passwords.verify(self.password_hash, password):
            return False
        if passwords.needs_rehash(self.password_hash):
            self.set_password(password)
        return True

    @property
    def is_active(self) -> bool:
        return self.active and self.deleted_at is None

    def is_gone(self) -> bool:
        return not self.is_active

    def change_site_id(self):
        return None

    @property
    def site_ids(self) -> list[str]:
        return sorted(s.id for s in self.sites)

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


class DeviceToken(IdMixin, db.Model):
    """A phone's long-lived credential; only its hash is stored."""

    __tablename__ = "device_tokens"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    device_id: Mapped[str] = mapped_column(String(64), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user = relationship("User")


class LoginAttempt(IdMixin, db.Model):
    """Failed sign-ins, kept in the database so every app server sees the same count."""

    __tablename__ = "login_attempts"
    username: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    address: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)
