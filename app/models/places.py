"""Checkpoints (巡更点) and the routes that order them."""
from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import Float
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db
from app.models.base import Synced


class Checkpoint(Synced, db.Model):
    """A place on the estate with a QR code on its wall; ``code`` is what the code holds."""

    __tablename__ = "checkpoints"
    sync_type = "checkpoint"
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    code: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    description: Mapped[str | None] = mapped_column(String(255))
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    def is_gone(self):
        return self.deleted_at is not None or not self.active


class RouteCheckpoint(db.Model):
    __tablename__ = "route_checkpoints"
    route_id: Mapped[str] = mapped_column(ForeignKey("routes.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    checkpoint_id: Mapped[str] = mapped_column(ForeignKey("checkpoints.id"), nullable=False)
    checkpoint = relationship("Checkpoint")


class Route(Synced, db.Model):
    """An ordered walk of checkpoints, optionally due within a daily window."""

    __tablename__ = "routes"
    sync_type = "route"
    sync_collections = ("stops",)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    window_start: Mapped[str | None] = mapped_column(String(5))
    window_end: Mapped[str | None] = mapped_column(String(5))
    # A plan (巡更计划): rounds start every ``repeat_minutes`` inside the window (night rounds
    # every 2 hours), or once when it is empty; walked by ``walker_ids``, or by anyone of
    # ``walker_role`` at the site when that list is empty.
    repeat_minutes: Mapped[int | None] = mapped_column(Integer)
    walker_role: Mapped[str | None] = mapped_column(String(16))
    walker_ids: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    stops = relationship(
        "RouteCheckpoint", order_by="RouteCheckpoint.position", cascade="all, delete-orphan"
    )

    @property
    def checkpoint_ids(self) -> list[str]:
        return [s.checkpoint_id for s in self.stops]

    def set_checkpoints(self, checkpoint_ids: list[str]) -> None:
        self.stops = [
            RouteCheckpoint(position=i, checkpoint_id=cid) for i, cid in enumerate(checkpoint_ids)
        ]

    def is_gone(self):
        return self.deleted_at is not None or not self.active
