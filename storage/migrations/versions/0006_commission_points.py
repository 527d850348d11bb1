"""commission points (members' scoring sheets per candidate) and the reason of a decision

Revision ID: 0006_commission_points
Revises: 0004_commission
"""
import sqlalchemy as sa
from alembic import op

revision = '0006_commission_points'
down_revision = '0004_commission'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'commission_points',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('candidate_id', sa.Integer(), nullable=False),
        sa.Column('member_user_id', sa.BigInteger(), nullable=False),
        sa.Column('sheet_id', sa.String(length=32), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['candidate_id'], ['session_candidates.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('candidate_id', 'member_user_id', name='uq_points_once'),
    )
    op.create_index('ix_commission_points_candidate_id', 'commission_points', ['candidate_id'])
    # batch mode: SQLite cannot ALTER a table's columns in place (adding one works, dropping needs a copy).
    with op.batch_alter_table('commission_decisions') as batch:
        batch.add_column(sa.Column('reason', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('commission_decisions') as batch:
        batch.drop_column('reason')
    op.drop_index('ix_commission_points_candidate_id', table_name='commission_points')
    op.drop_table('commission_points')
