"""reports at any size: each network's figures added up per local month and day
(report_tally), each fight's buckets and joint mark on its figures row, the open fights'
deadline index covering their ids

Revision ID: 9b3d7e1f4a62
Revises: 6a3d2f8e1c47
Create Date: 2026-12-03 11:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '9b3d7e1f4a62'
down_revision = '6a3d2f8e1c47'
branch_labels = None
depends_on = None

BUCKETS = ('decision_bucket', 'delivery_bucket', 'win_bucket', 'demanded_bucket',
           'recovered_bucket')
INDEXES = {
    'ix_fight_figures_taken_bucket': ['network_id', 'decision_bucket', 'taken_at',
                                      'days_to_decision'],
    'ix_fight_figures_declined_bucket': ['network_id', 'decision_bucket', 'declined_at',
                                         'days_to_decision'],
    'ix_fight_figures_delivered_bucket': ['network_id', 'delivery_bucket', 'delivered_at',
                                          'days_to_delivery'],
    'ix_fight_figures_win_bucket': ['network_id', 'win_bucket', 'ended_on', 'outcome_kind',
                                    'days_to_win'],
    'ix_fight_figures_demanded_bucket': ['network_id', 'demanded_bucket', 'ended_on',
                                         'outcome_kind', 'issue_type', 'demanded'],
    'ix_fight_figures_recovered_bucket': ['network_id', 'recovered_bucket', 'ended_on',
                                          'outcome_kind', 'issue_type', 'recovered'],
}


def upgrade():
    op.create_table(
        'report_tally',
        sa.Column('network_id', sa.Integer(), nullable=False),
        sa.Column('grain', sa.String(length=1), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('tally', sa.String(length=16), nullable=False),
        sa.Column('grp', sa.String(length=100), nullable=False),
        sa.Column('bucket', sa.Integer(), nullable=False),
        sa.Column('fights', sa.Integer(), nullable=False),
        sa.Column('demanded_cents', sa.BigInteger(), nullable=False),
        sa.Column('recovered_cents', sa.BigInteger(), nullable=False),
        sa.Column('joint', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['network_id'], ['network.id'],
                                name=op.f('fk_report_tally_network_id_network')),
        sa.PrimaryKeyConstraint('network_id', 'grain', 'day', 'tally', 'grp', 'bucket',
                                name=op.f('pk_report_tally')),
    )
    # The figures rows are derived: emptied, given the new columns, and computed again.
    op.execute('DELETE FROM fight_figures')
    with op.batch_alter_table('fight_figures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_joint', sa.Boolean(), nullable=False))
        for name in BUCKETS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))
    for name, columns in INDEXES.items():
        op.create_index(name, 'fight_figures', columns, unique=False)
    op.drop_index('ix_case_record_state_deadline', table_name='case_record')
    op.create_index('ix_case_record_state_deadline', 'case_record',
                    ['network_id', 'state', 'deadline_on', 'id'], unique=False)

    from casework.reports.fight_figures import rebuild_fight_figures

    bind = op.get_bind()
    rebuild_fight_figures(bind, table=reflected(bind, 'fight_figures'),
                          tally_table=reflected(bind, 'report_tally'))


def downgrade():
    op.drop_index('ix_case_record_state_deadline', table_name='case_record')
    op.create_index('ix_case_record_state_deadline', 'case_record',
                    ['network_id', 'state', 'deadline_on'], unique=False)
    for name in INDEXES:
        op.drop_index(name, table_name='fight_figures')
    with op.batch_alter_table('fight_figures', schema=None) as batch_op:
        for name in (*BUCKETS, 'is_joint'):
            batch_op.drop_column(name)
    op.drop_table('report_tally')


def reflected(bind, name):
    """A table as it stands at this revision (its rows are written to it)."""
    return sa.Table(name, sa.MetaData(), autoload_with=bind)
