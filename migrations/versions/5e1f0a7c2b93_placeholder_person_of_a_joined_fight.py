"""the placeholder person of a joined fight

Revision ID: 5e1f0a7c2b93
Revises: 4e8a1c7d2b95
Create Date: 2026-12-03 08:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5e1f0a7c2b93'
down_revision = '4e8a1c7d2b95'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stands_for_network', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
    # The joined fights made before: their person is the network that leads them.
    op.execute("UPDATE person SET stands_for_network = true WHERE id IN "
               "(SELECT person_id FROM case_record WHERE joint_with != '')")


def downgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('stands_for_network')
