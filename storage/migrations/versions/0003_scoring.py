"""self-assessment answers on the scoring sheets

Revision ID: 0003_scoring
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_scoring'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'self_assessments',
        sa.Column('user_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('sheet_id', sa.String(length=32), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('observations', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint('user_id', 'sheet_id'),
    )


def downgrade() -> None:
    op.drop_table('self_assessments')
