"""rule set notices: the teachers' change notices of a loaded set, worked out in the background

Revision ID: 0018_rule_set_notices
Revises: 0017_rule_sets
"""
import sqlalchemy as sa
from alembic import op

revision = '0018_rule_set_notices'
down_revision = '0017_rule_sets'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('rule_sets') as batch:
        batch.add_column(sa.Column('notices_from', sa.String(length=128), nullable=True))
        batch.add_column(sa.Column('notices_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('notices_after', sa.BigInteger(), server_default='0', nullable=False))
        batch.add_column(sa.Column('notices_told', sa.Integer(), server_default='0', nullable=False))
        batch.add_column(sa.Column('notices_done_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('rule_sets') as batch:
        for column in ('notices_done_at', 'notices_told', 'notices_after', 'notices_on', 'notices_from'):
            batch.drop_column(column)
