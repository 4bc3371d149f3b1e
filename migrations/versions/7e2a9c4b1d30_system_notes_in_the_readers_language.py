"""system notes in the reader's language: a timeline note the app wrote keeps its msgid and values

Revision ID: 7e2a9c4b1d30
Revises: 925deb20da6e
Create Date: 2026-12-03 07:50:00

The notes already stored that the app wrote in one of its known English sentences get their
msgid and values too, so that they are shown in the reader's language; anything else (what a
user typed, older wordings) stays as it is.
"""
import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7e2a9c4b1d30'
down_revision = '925deb20da6e'
branch_labels = None
depends_on = None

FIXED = (
    "Inquiry logged",
    "Inquiry sent through the web form",
    "Portal login offered to the member.",
    "Two records of this person were merged",
    "Delivery date corrected; deadline and tasks moved",
    "Offer accepted",
    "Offer rejected",
    "On the people page",
    "Completed from a merged record",
    "Completed from a spreadsheet import",
    "Target details: dismissed the details proposed from this case; the target keeps its own.",
    "Victory published on the network's public page and feed.",
    "Victory taken off the public page and feed.",
    "Victory taken off the public page: its story names the member, who no longer agrees to "
    "be named.",
)
# The standard tasks' titles (casework.workflow.task_rules), as stored then and now.
TASK_TITLES = (
    "Meet the member: facts, evidence, how the amount was computed",
    "Bring the fight to the weekly meeting for a vote",
    "Draft the demand letter with the member",
    "Plan the delivery: date, place, turnout, roles",
    "Check the deadline: did the target answer?",
    "Plan and schedule the next action",
    "Bring the offer to the meeting and the member",
    "Confirm the payment cleared",
    "Deadline passed: plan the first escalation",
)
TASK_KINDS = ("task_added", "task_done", "task_reopened")
DEADLINE = re.compile(r"The deadline \((\d{4}-\d{2}-\d{2})\) passed")
RETALIATION = re.compile(r"Retaliation reported: new case (\S+)")
NO_LONGER_NEEDED = re.compile(r"Task no longer needed: “(.*)”", re.S)

events = sa.table(
    "case_event", sa.column("id", sa.Integer), sa.column("kind", sa.String),
    sa.column("note", sa.Text), sa.column("note_msgid", sa.String),
    sa.column("note_values", sa.JSON))


def msgid_and_values(kind, note):
    """The msgid and values of a stored note the app wrote, or None."""
    if note in FIXED:
        return note, {}
    if kind in TASK_KINDS and note in TASK_TITLES:
        return note, {}
    if match := DEADLINE.fullmatch(note):
        return "The deadline (%(day)s) passed", {"day": {"date": match[1]}}
    if match := RETALIATION.fullmatch(note):
        return "Retaliation reported: new case %(reference)s", {"reference": match[1]}
    if kind == "task_no_longer_needed" and (match := NO_LONGER_NEEDED.fullmatch(note)):
        title = match[1]
        return "Task no longer needed: “%(task)s”", {
            "task": {"msgid": title} if title in TASK_TITLES else title}
    return None


def upgrade():
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note_msgid', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('note_values', sa.JSON(), nullable=True))
    connection = op.get_bind()
    candidates = connection.execute(
        sa.select(events.c.id, events.c.kind, events.c.note).where(sa.or_(
            events.c.note.in_(FIXED + TASK_TITLES),
            events.c.note.like("The deadline (%) passed"),
            events.c.note.like("Retaliation reported: new case %"),
            events.c.note.like("Task no longer needed: %"))))
    for event_id, kind, note in candidates.all():
        found = msgid_and_values(kind, note)
        if found is not None:
            connection.execute(events.update().where(events.c.id == event_id)
                               .values(note_msgid=found[0], note_values=found[1]))


def downgrade():
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.drop_column('note_values')
        batch_op.drop_column('note_msgid')
