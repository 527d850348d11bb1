"""the profile's answers on the Special Programme (§10) and a move since the category was given (§41, §49)

Revision ID: 0016_profile_programme_and_transfer
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = '0016_profile_programme_and_transfer'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('teacher_profiles', sa.Column('special_programme', sa.Boolean(), nullable=True))
    op.add_column('teacher_profiles', sa.Column('transferred', sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('teacher_profiles') as batch:
        batch.drop_column('transferred')
        batch.drop_column('special_programme')
