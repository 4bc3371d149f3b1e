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


# Plain ALTER TABLE both ways: a batch rebuild of `person` on SQLite would drop the name
# search's triggers (person_fts).
def upgrade():
    op.add_column('person', sa.Column('stands_for_network', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
    # The joined fights made before: their person is the network that leads them.
    op.execute("UPDATE person SET stands_for_network = true WHERE id IN "
               "(SELECT person_id FROM case_record WHERE joint_with != '')")


def downgrade():
    op.execute("ALTER TABLE person DROP COLUMN stands_for_network")
