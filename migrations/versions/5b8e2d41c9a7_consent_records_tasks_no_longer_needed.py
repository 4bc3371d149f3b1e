"""the member's consent as its own record; tasks closed as no longer needed

Existing "the member consents" flags on meeting decisions become consent records (given on the
meeting's date, in person, to the decision's proposal), then the flag is dropped.

Revision ID: 5b8e2d41c9a7
Revises: 5b0e2d7c9a13
Create Date: 2026-12-02 18:40:00.000000

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import casework.models.base

# revision identifiers, used by Alembic.
revision = '5b8e2d41c9a7'
down_revision = '5b0e2d7c9a13'
branch_labels = None
depends_on = None

MIGRATED_NOTE = "Recorded with the meeting's vote, before consent was its own record."


def upgrade():
    op.create_table('consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.Enum('demands', 'offer', name='consentsubject', native_enum=False, length=32), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=True),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('method', sa.Enum('in_person', 'phone', 'in_writing', 'portal', name='consentmethod', native_enum=False, length=32), nullable=False),
    sa.Column('consented_to', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', casework.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_consent_case_id_case_record'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['offer_id'], ['target_contact.id'], name=op.f('fk_consent_offer_id_target_contact'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_consent_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent'))
    )
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.create_index('ix_consent_case', ['case_id', 'subject', 'id'], unique=False)

    decision = sa.table('decision', sa.column('id', sa.Integer), sa.column('case_id', sa.Integer),
                        sa.column('kind', sa.String), sa.column('meeting_on', sa.Date),
                        sa.column('proposal', sa.Text), sa.column('member_consents', sa.Boolean),
                        sa.column('offer_id', sa.Integer),
                        sa.column('recorded_by_id', sa.Integer),
                        sa.column('created_at', casework.models.base.UTCDateTime(timezone=True)))
    consent = sa.table('consent', sa.column('case_id', sa.Integer),
                       sa.column('subject', sa.String), sa.column('offer_id', sa.Integer),
                       sa.column('given_on', sa.Date), sa.column('method', sa.String),
                       sa.column('consented_to', sa.Text), sa.column('note', sa.Text),
                       sa.column('recorded_by_id', sa.Integer),
                       sa.column('created_at', casework.models.base.UTCDateTime(timezone=True)))
    connection = op.get_bind()
    rows = connection.execute(sa.select(decision).where(decision.c.member_consents.is_(True))
                              .order_by(decision.c.id)).all()
    if rows:
        connection.execute(consent.insert(), [{
            "case_id": row.case_id,
            "subject": "offer" if row.kind == "accept_offer" and row.offer_id else "demands",
            "offer_id": row.offer_id if row.kind == "accept_offer" else None,
            "given_on": row.meeting_on, "method": "in_person",
            "consented_to": row.proposal, "note": MIGRATED_NOTE,
            "recorded_by_id": row.recorded_by_id,
            "created_at": row.created_at or datetime.now(UTC),
        } for row in rows])

    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_column('member_consents')

    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('no_longer_needed_at', casework.models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_column('no_longer_needed_at')

    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('member_consents', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    # A decision counts as consented again when its case has a consent to the same thing.
    op.execute(
        "UPDATE decision SET member_consents = TRUE WHERE EXISTS (SELECT 1 FROM consent "
        "WHERE consent.case_id = decision.case_id AND ((decision.kind = 'take_fight' AND "
        "consent.subject = 'demands') OR (decision.kind = 'accept_offer' AND "
        "consent.offer_id = decision.offer_id)))")
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.alter_column('member_consents', server_default=None)

    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_index('ix_consent_case')

    op.drop_table('consent')
