"""Companies, their sites (小区) and the sites' buildings (楼栋) and units (户)."""
from copy import deepcopy

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db
from app.models.base import IdMixin
from app.models.base import Synced

# Per-site settings and their defaults. Times are local to the site; durations in minutes.
DEFAULT_SITE_SETTINGS = {
    "gate_windows": [
        {"start": "07:30", "end": "08:30", "posts": ["customer_service", "security"], "team_lead": True},
        {"start": "12:00", "end": "13:00", "posts": [], "team_lead": True},
        {"start": "18:00", "end": "19:00", "posts": ["customer_service", "security"], "team_lead": True},
    ],
    "gate_day_end": "23:00",
    "visit_max_minutes": 240,
    "patrol_start": "08:40",
    # Attendance (签到 / 签退, ``sync.attendance_rules``): sign in by, sign out after by season.
    "sign_in_by": "08:20",
    "sign_out_after_winter": "17:30",
    "sign_out_after_summer": "18:00",
    # Meetings (晨会 / 周例会, ``sync.meeting_rules``): the morning window, the weekly day (ISO, 1 = Monday).
    "morning_meeting_start": "08:20",
    "morning_meeting_end": "08:30",
    "weekly_meeting_weekday": 1,
    "summer_months": [5, 6, 7, 8, 9],
    # Managers' reports and monthly checklist (``sync.manager_reports``, ``sync.monthly_checklist``):
    # the daily report is due by this time of its day; the days of the month items fall due.
    "daily_report_by": "24:00",
    "attendance_review_day": 5,
    "quality_review_day": 26,
    "patrol_day_end": "23:59",
    "route_grace_minutes": 60,
    "stock_check_day": 25,
    "clocks": {
        "high": 120,
        "medium": 1440,
        "low": 4320,
        "flagged_person": 120,
        "stock_difference": 4320,
        "missed_checkpoint": 1440,
        "open_visit": 720,
        "no_patrol": 1440,
        "complaint_contact": 120,
        "complaint_invalid": 120,
        "complaint_collective": 60,
        "complaint_assisted": 4320,
        "complaint_report_back": 720,
        # Repair orders (维修任务单) by urgency: minutes until the repair is due.
        "repair_urgent": 120,
        "repair_normal": 1440,
        "repair_low": 4320,
    },
    "stock_tolerance": {"default": 0},
    # Counters see an item's book quantity only after their first count of it.
    "stock_blind": True,
    "device_token_days": 30,
    # Days a visitor's ID and phone numbers are kept after the check-in (`flask privacy purge`).
    "privacy_retention_days": 90,
}


class Company(IdMixin, db.Model):
    __tablename__ = "companies"
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    sites = relationship("Site", back_populates="company", order_by="Site.name")


class Site(Synced, db.Model):
    """A residential estate; its settings drive the clocks and the gate windows."""

    __tablename__ = "sites"
    sync_type = "site"
    company_id: Mapped[str] = mapped_column(ForeignKey("companies.id"), nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    code: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    address: Mapped[str | None] = mapped_column(String(255))
    timezone: Mapped[str] = mapped_column(String(64), nullable=False, default="Asia/Shanghai")
    settings: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)

    company = relationship("Company", back_populates="sites")
    buildings = relationship("Building", back_populates="site", order_by="Building.sort")

    def change_site_id(self):
        return self.id

    def setting(self, key: str):
        """A setting of this site, or its default."""
        value = (self.settings or {}).get(key)
        default = DEFAULT_SITE_SETTINGS.get(key)
        if isinstance(default, dict):
            merged = deepcopy(default)
            merged.update(value or {})
            return merged
        return deepcopy(default) if value is None else value


class Building(Synced, db.Model):
    __tablename__ = "buildings"
    __table_args__ = (UniqueConstraint("site_id", "name"),)
    sync_type = "building"
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(60), nullable=False)
    sort: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    site = relationship("Site", back_populates="buildings")
    units = relationship("Unit", back_populates="building", order_by="Unit.code")


class Unit(Synced, db.Model):
    """A household's door: building-entrance-room, e.g. ``3-2-1101``."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("site_id", "code"),)
    sync_type = "unit"
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), nullable=False, index=True)
    building_id: Mapped[str] = mapped_column(ForeignKey("buildings.id"), nullable=False, index=True)
    code: Mapped[str] = mapped_column(String(32), nullable=False)
    resident_name: Mapped[str | None] = mapped_column(String(60))
    occupancy: Mapped[str] = mapped_column(String(16), nullable=False, default="owner")
    building = relationship("Building", back_populates="units")
