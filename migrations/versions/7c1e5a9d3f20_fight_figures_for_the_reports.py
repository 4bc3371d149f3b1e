"""fight figures: one row per fight with the dates and amounts the reports count; report
indexes that hold what the reports read

Revision ID: 7c1e5a9d3f20
Revises: 5e0f2a9c7b31
Create Date: 2026-12-03 04:20:00

"""
import sqlalchemy as sa
from alembic import op

from casework.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = '7c1e5a9d3f20'
down_revision = '5e0f2a9c7b31'
branch_labels = None
depends_on = None

INDEXES = {
    'ix_fight_figures_screened': ['network_id', 'screened_at'],
    'ix_fight_figures_proposed': ['network_id', 'proposed_at'],
    'ix_fight_figures_taken': ['network_id', 'taken_at', 'days_to_decision'],
    'ix_fight_figures_declined': ['network_id', 'declined_at', 'decline_reason',
                                  'days_to_decision'],
    'ix_fight_figures_delivered': ['network_id', 'delivered_at', 'days_to_delivery'],
    'ix_fight_figures_ended': ['network_id', 'ended_on', 'outcome_kind', 'issue_type',
                               'demanded', 'recovered', 'days_to_win', 'actions_done'],
}
# Indexes that grow to hold what the reports read, so that they read no table rows:
# (table, name, columns before, columns after).
WIDENED = [
    ('case_record', 'ix_case_record_network_created', ['network_id', 'created_at'],
     ['network_id', 'created_at', 'target_id', 'state']),
    ('action', 'ix_action_status_starts', ['status', 'starts_at'],
     ['status', 'starts_at', 'case_id', 'kind', 'turnout_actual']),
]


def upgrade():
    op.create_table(
        'fight_figures',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('network_id', sa.Integer(), nullable=False),
        sa.Column('issue_type', sa.Enum('unpaid_wages', 'deposit', 'repairs', 'illegal_fees',
                                        'eviction', 'wrongful_firing', 'harassment', 'other',
                                        name='issuetype', native_enum=False,
                                        create_constraint=False, length=32), nullable=False),
        sa.Column('logged_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('screened_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('proposed_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('taken_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('declined_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('decline_reason', sa.Enum('not_winnable', 'out_of_scope', 'not_willing',
                                            'referred', name='declinereason',
                                            native_enum=False, create_constraint=False,
                                            length=32), nullable=True),
        sa.Column('delivered_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('delivered_on', sa.Date(), nullable=True),
        sa.Column('ended_on', sa.Date(), nullable=True),
        sa.Column('outcome_kind', sa.Enum('full', 'more_than_owed', 'partial', 'lost',
                                          'withdrawn', 'referred_out', 'moot',
                                          name='outcomekind', native_enum=False,
                                          create_constraint=False, length=32), nullable=True),
        sa.Column('recovered', sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column('demanded', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('actions_done', sa.Integer(), nullable=False),
        sa.Column('days_to_decision', sa.Double(), nullable=True),
        sa.Column('days_to_delivery', sa.Double(), nullable=True),
        sa.Column('days_to_win', sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['case_record.id'],
                                name=op.f('fk_fight_figures_case_id_case_record'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['network_id'], ['network.id'],
                                name=op.f('fk_fight_figures_network_id_network')),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_fight_figures')),
    )
    for name, columns in INDEXES.items():
        op.create_index(name, 'fight_figures', columns, unique=False)
    # The reports no longer read the timeline by trigger and date.
    op.drop_index('ix_case_event_trigger', table_name='case_event')
    # Plain DROP/CREATE INDEX: no batch table rebuild (which would drop SQLite's search triggers).
    for table, name, _before, after in WIDENED:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, after, unique=False)
    op.create_index('ix_call_list_entry_answers', 'call_list_entry',
                    ['action_id', 'person_id', 'answer', 'is_checked_in'], unique=False)
    # Every existing fight's row, computed by the same statement that keeps it in step
    # (casework.reports.fight_figures): a migration run later reads the same columns.
    from casework.reports.fight_figures import rebuild_fight_figures

    # Only the columns the table has at this revision (later ones add theirs).
    rebuild_fight_figures(op.get_bind(),
                          table=sa.Table('fight_figures', sa.MetaData(), autoload_with=op.get_bind()))


def downgrade():
    op.drop_index('ix_call_list_entry_answers', table_name='call_list_entry')
    for table, name, before, _after in WIDENED:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, before, unique=False)
    op.create_index('ix_case_event_trigger', 'case_event', ['trigger', 'created_at', 'case_id'],
                    unique=False)
    for name in INDEXES:
        op.drop_index(name, table_name='fight_figures')
    op.drop_table('fight_figures')
