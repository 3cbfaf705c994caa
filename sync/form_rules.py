"""The rules of each mutation's ``data``, as the phone checks a form before saving it.

Read off the very schemas the server validates with (``sync.schemas``), so a length, a
required field, a vocabulary or a message changed there changes on the phone with the
next app update (``/m/rules.json`` is precached): the two cannot drift. What a schema
checks in code (the phone and ID number shapes, the ID check character) is named by a
``format`` here and implemented again in ``static/js/lib/rules.js``; the shared tables in
``tests/fixtures/`` hold both to the same answers.

Messages are English msgids, translated on the phone like its own strings.
"""
from __future__ import annotations

from typing import Any

from marshmallow import fields

from sync import id_numbers
from sync import inspection_rules
from sync import manager_reports
from sync import meeting_rules
from sync import messages as m
from sync import schemas as s
from sync.handlers import HANDLERS


def field_rule(field: fields.Field) -> dict[str, Any] | None:
    """One field's rule, or ``None`` for a field no form fills in (nested, times)."""
    errors = field.error_messages
    rule: dict[str, Any] = {"required": bool(field.required)}
    if field.required:
        rule["required_message"] = errors.get("required", m.REQUIRED)
    if isinstance(field, s.Text):
        rule.update(kind="text", max=field.max_length, too_long=m.TOO_LONG)
        if field.metadata.get("format"):
            rule["format"] = field.metadata["format"]
    elif isinstance(field, s.Ref):
        rule.update(kind="ref", message=errors["bad_id"])
    elif isinstance(field, s.Choice):
        rule.update(kind="choice", choices=list(field.choices), message=errors["choice"])
    elif isinstance(field, s.Count):
        rule.update(kind="count", low=field.low, high=field.high, message=errors["range"])
    elif isinstance(field, s.Quantity):
        rule.update(kind="quantity", max=str(s.MAX_QTY), message=errors["invalid"])
    elif isinstance(field, s.YesNo):
        rule.update(kind="yesno", message=errors["invalid"])
    elif isinstance(field, fields.List) and isinstance(field.inner, s.Ref) and field.metadata.get("people"):
        rule.update(kind="people", min=1, max=meeting_rules.MAX_ATTENDEES, message=errors["required"])
    elif isinstance(field, fields.List) and isinstance(field.inner, s.Ref):
        rule.update(kind="photos", max=s.MAX_PHOTOS, message=m.TOO_MANY_PHOTOS)
    else:
        return None
    return rule


def schema_rules(schema: type) -> dict[str, dict[str, Any]]:
    out = {}
    for name, field in schema._declared_fields.items():
        rule = field_rule(field)
        if rule is not None:
            out[field.data_key or name] = rule
    return out


def rules() -> dict[str, Any]:
    """Everything ``/m/rules.json`` holds: per mutation type its fields, and the formats."""
    return {
        "types": {type_: schema_rules(h.schema) for type_, h in sorted(HANDLERS.items())},
        "formats": {name: {"pattern": pattern, "message": FORMAT_MESSAGES[name]}
                    for name, pattern in s.FORMATS.items()},
        "id_number": {"kinds": list(id_numbers.KINDS), "check_failed": m.ID_CHECK_FAILED,
                      "not_resident": m.ID_NOT_RESIDENT, "with_no_document": m.ID_WITH_NO_DOCUMENT},
        # Staff inspections: each post's checklist, who inspects, and the checklist's message.
        "inspection": {"checklists": {post: [list(item) for item in items]
                                      for post, items in inspection_rules.CHECKLISTS.items()},
                       "reviewer_roles": list(inspection_rules.REVIEWER_ROLES),
                       "checklist_invalid": {"message": m.INSPECTION_CHECKLIST_INVALID}},
        # Daily reports and weekly summaries: who writes them, and what a period may be.
        "report": {"writer_roles": list(manager_reports.WRITER_ROLES),
                   "not_monday": {"message": m.REPORT_PERIOD_NOT_MONDAY},
                   "future": {"message": m.REPORT_PERIOD_FUTURE}},
        # Meetings: who chairs one, and what a morning meeting must also hold.
        "meeting": {"chair_roles": list(meeting_rules.CHAIR_ROLES), "kinds": list(meeting_rules.KINDS),
                    "assignments_required": {"message": m.MEETING_ASSIGNMENTS_REQUIRED},
                    "summary_required": {"message": m.MEETING_SUMMARY_REQUIRED}},
    }


FORMAT_MESSAGES = {"phone": m.PHONE_INVALID, "id_number": m.ID_NUMBER_INVALID}


def msgids() -> set[str]:
    """Every message the rules can show, for the phone's catalogue."""
    found: set[str] = set()

    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("message", "required_message", "too_long", "check_failed", "not_resident",
                           "with_no_document"):
                    found.add(item)
                else:
                    walk(item)

    walk(rules())
    return found
