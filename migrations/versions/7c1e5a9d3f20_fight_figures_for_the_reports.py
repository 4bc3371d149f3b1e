"""fight figures: one row per fight with the dates and amounts the reports count

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
    'ix_fight_figures_screened': 'screened_at',
    'ix_fight_figures_proposed': 'proposed_at',
    'ix_fight_figures_taken': 'taken_at',
    'ix_fight_figures_declined': 'declined_at',
    'ix_fight_figures_delivered': 'delivered_at',
    'ix_fight_figures_ended': 'ended_on',
}


def upgrade():
    op.create_table(
        'fight_figures',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('network_id', sa.Integer(), nullable=False),
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
        sa.ForeignKeyConstraint(['case_id'], ['case_record.id'],
                                name=op.f('fk_fight_figures_case_id_case_record'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['network_id'], ['network.id'],
                                name=op.f('fk_fight_figures_network_id_network')),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_fight_figures')),
    )
    for name, column in INDEXES.items():
        op.create_index(name, 'fight_figures', ['network_id', column], unique=False)
    # The reports no longer read the timeline by trigger and date.
    op.drop_index('ix_case_event_trigger', table_name='case_event')
    # Every existing fight's row, computed by the same statement that keeps it in step
    # (casework.reports.fight_figures): a migration run later reads the same columns.
    from casework.reports.fight_figures import rebuild_fight_figures

    rebuild_fight_figures(op.get_bind())


def downgrade():
    op.create_index('ix_case_event_trigger', 'case_event', ['trigger', 'created_at', 'case_id'],
                    unique=False)
    for name in INDEXES:
        op.drop_index(name, table_name='fight_figures')
    op.drop_table('fight_figures')
