"""letter texts per language, who edited them, one row per review; Spanish-only letters

Letters stored as "es" printed Spanish then English: they become "es+en", and "es" now means
a letter in Spanish only. Reviews recorded on a version become its first letter_review row.

Revision ID: 720fe7895fe2
Revises: 5b8e2d41c9a7
Create Date: 2026-12-02 18:23:57.841899

"""
import sqlalchemy as sa
from alembic import op

import casework.models.base

# revision identifiers, used by Alembic.
revision = '720fe7895fe2'
down_revision = '5b8e2d41c9a7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('letter_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('is_passed', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', casework.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user_account.id'], name=op.f('fk_letter_review_reviewer_id_user_account')),
    sa.ForeignKeyConstraint(['version_id'], ['letter_version.id'], name=op.f('fk_letter_review_version_id_letter_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_review')),
    sa.UniqueConstraint('version_id', 'reviewer_id', name=op.f('uq_letter_review_version_id'))
    )
    with op.batch_alter_table('letter_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('texts', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('edited_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_letter_version_edited_by_id_user_account'), 'user_account', ['edited_by_id'], ['id'])
    op.execute("UPDATE letter_version SET texts = '{}'")
    with op.batch_alter_table('letter_version', schema=None) as batch_op:
        batch_op.alter_column('texts', existing_type=sa.JSON(), nullable=False)
    op.execute("UPDATE letter SET language = 'es+en' WHERE language = 'es'")
    op.get_bind().execute(sa.text(
        "INSERT INTO letter_review (version_id, reviewer_id, is_passed, note, created_at)"
        " SELECT id, reviewed_by_id, review_status = 'passed', review_note, reviewed_at"
        " FROM letter_version WHERE reviewed_by_id IS NOT NULL AND reviewed_at IS NOT NULL"
        " AND review_status IN ('passed', 'rejected')"))


def downgrade():
    # Spanish-only letters did not exist: they print Spanish and English again.
    op.execute("UPDATE letter SET language = 'es' WHERE language = 'es+en'")
    with op.batch_alter_table('letter_version', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_letter_version_edited_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('edited_by_id')
        batch_op.drop_column('texts')

    op.drop_table('letter_review')
