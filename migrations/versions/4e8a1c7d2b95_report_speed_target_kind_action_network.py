"""reports at 100,000 fights: the target's kind on each fight's figures row, the network on
each action, the database's data version token

Revision ID: 4e8a1c7d2b95
Revises: 7e2a9c4b1d30
Create Date: 2026-12-03 08:00:00

"""
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '4e8a1c7d2b95'
down_revision = '7e2a9c4b1d30'
branch_labels = None
depends_on = None

ENDED_BEFORE = ['network_id', 'ended_on', 'outcome_kind', 'issue_type', 'demanded',
                'recovered', 'days_to_win', 'actions_done']
ENDED_AFTER = ['network_id', 'ended_on', 'outcome_kind', 'issue_type', 'target_kind',
               'demanded', 'recovered', 'days_to_win', 'actions_done']
ENDED_ISSUE = ['network_id', 'issue_type', 'ended_on', 'outcome_kind', 'demanded', 'recovered']
ACTION_INDEX = ['network_id', 'status', 'starts_at', 'kind', 'turnout_actual', 'id']


def upgrade():
    data_version = op.create_table(
        'data_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_data_version')),
    )
    op.bulk_insert(data_version, [{'id': 1, 'token': secrets.token_hex(16)}])

    # The figures rows are derived: emptied, given the new column, and computed again.
    op.drop_index('ix_fight_figures_ended', table_name='fight_figures')
    op.execute('DELETE FROM fight_figures')
    with op.batch_alter_table('fight_figures', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'target_kind', sa.Enum('company', 'person', name='targetkind', native_enum=False,
                                   create_constraint=False, length=32), nullable=False))
    op.create_index('ix_fight_figures_ended', 'fight_figures', ENDED_AFTER, unique=False)
    op.create_index('ix_fight_figures_ended_issue', 'fight_figures', ENDED_ISSUE, unique=False)

    op.add_column('action', sa.Column('network_id', sa.Integer(), nullable=True))
    op.execute('UPDATE action SET network_id = '
               '(SELECT network_id FROM case_record WHERE case_record.id = action.case_id)')
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.alter_column('network_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_action_network_id_network'), 'network',
                                    ['network_id'], ['id'])
    op.create_index('ix_action_network_status_starts', 'action', ACTION_INDEX, unique=False)

    from casework.reports.fight_figures import rebuild_fight_figures

    rebuild_fight_figures(op.get_bind(), table=reflected(op.get_bind()))


def downgrade():
    op.drop_table('data_version')
    op.drop_index('ix_action_network_status_starts', table_name='action')
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_action_network_id_network'), type_='foreignkey')
        batch_op.drop_column('network_id')

    op.drop_index('ix_fight_figures_ended_issue', table_name='fight_figures')
    op.drop_index('ix_fight_figures_ended', table_name='fight_figures')
    with op.batch_alter_table('fight_figures', schema=None) as batch_op:
        batch_op.drop_column('target_kind')
    op.create_index('ix_fight_figures_ended', 'fight_figures', ENDED_BEFORE, unique=False)
    from casework.reports.fight_figures import rebuild_fight_figures

    rebuild_fight_figures(op.get_bind(), table=reflected(op.get_bind()))


def reflected(bind):
    """The figures table as it stands at this revision (its rows are written to it)."""
    return sa.Table('fight_figures', sa.MetaData(), autoload_with=bind)
