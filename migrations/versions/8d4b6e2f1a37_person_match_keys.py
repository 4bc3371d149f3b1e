"""people's match keys (phone digits, folded email) for finding duplicates by index

Revision ID: 8d4b6e2f1a37
Revises: 8d2f61c0a4e7
Create Date: 2026-12-02 23:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '8d4b6e2f1a37'
down_revision = '8d2f61c0a4e7'
branch_labels = None
depends_on = None

BATCH = 2000


def phone_key(phone):
    """As casework.models.person.phone_key at this revision: the last ten of 7+ digits."""
    digits = "".join(ch for ch in phone if ch.isascii() and ch.isdigit())
    return digits[-10:] if len(digits) >= 7 else ""


def email_key(email):
    return email.strip().casefold()[:254]


def upgrade():
    # Plain ALTER TABLE ADD COLUMN and CREATE INDEX, never a batch rebuild: rebuilding the
    # table on SQLite would drop the triggers of the name search (see 5c2e8a41d7b9).
    op.add_column('person', sa.Column('phone_key', sa.String(length=10), nullable=False,
                                      server_default=''))
    op.add_column('person', sa.Column('email_key', sa.String(length=254), nullable=False,
                                      server_default=''))
    person = sa.table('person', sa.column('id', sa.Integer), sa.column('phone', sa.String),
                      sa.column('email', sa.String), sa.column('phone_key', sa.String),
                      sa.column('email_key', sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(person.c.id, person.c.phone, person.c.email).where(
        sa.or_(person.c.phone != '', person.c.email != ''))).all()
    update = (sa.update(person).where(person.c.id == sa.bindparam('person_id'))
              .values(phone_key=sa.bindparam('p'), email_key=sa.bindparam('e')))
    for start in range(0, len(rows), BATCH):
        connection.execute(update, [
            {'person_id': row_id, 'p': phone_key(phone or ''), 'e': email_key(email or '')}
            for row_id, phone, email in rows[start:start + BATCH]])
    op.create_index('ix_person_network_phone_key', 'person', ['network_id', 'phone_key'],
                    unique=False)
    op.create_index('ix_person_network_email_key', 'person', ['network_id', 'email_key'],
                    unique=False)


def downgrade():
    op.drop_index('ix_person_network_email_key', table_name='person')
    op.drop_index('ix_person_network_phone_key', table_name='person')
    op.drop_column('person', 'email_key')  # SQLite 3.35+ drops a column without a rebuild
    op.drop_column('person', 'phone_key')
