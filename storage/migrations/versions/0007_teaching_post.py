"""the teaching post of a teacher (psychologist, ПМПК teacher...): decides the sheet and some documents

Revision ID: 0007_teaching_post
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = '0007_teaching_post'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('teacher_profiles', sa.Column('teaching_post', sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('teacher_profiles') as batch:
        batch.drop_column('teaching_post')
