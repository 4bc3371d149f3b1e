"""The case timeline's words for the fields an edit changed (stored as field names)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# The fields of the case page's own records; others (an action's) read as their names.
# In English the field's own name, as the timeline always said it.
FIELD_NAMES = {
    "person_name": _l("person name"),
    "person_phone": _l("person phone"),
    "person_email": _l("person email"),
    "safe_contact_notes": _l("safe contact notes"),
    "language": _l("language"),
    "target_name": _l("target name"),
    "target_kind": _l("target kind"),
    "target_address": _l("target address"),
    "issue_type": _l("issue type"),
    "summary": _l("summary"),
    "what_happened": _l("what happened"),
    "amount_claimed": _l("amount claimed"),
    "urgency": _l("urgency"),
    "retaliation_risk": _l("retaliation risk"),
    "still_employed_or_housed": _l("still employed or housed"),
    "screening_notes": _l("screening notes"),
    "winnability_notes": _l("winnability notes"),
    "deadline_days": _l("deadline days"),
    "planned_delivery_on": _l("planned delivery on"),
    "delivered_at": _l("delivered at"),
    "deadline_on": _l("deadline on"),
    "documents": _l("documents"),
    "person": _l("person"),
}


def changed_field_names(changed: list[str] | None) -> str:
    """The changed fields as a list in words, in the user's language."""
    return ", ".join(str(FIELD_NAMES.get(name, name.replace("_", " "))) for name in changed or [])
