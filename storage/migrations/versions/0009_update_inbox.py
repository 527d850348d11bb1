"""the inbox of received updates (each applied once, replayed after a crash); outbox retry times

Revision ID: 0009_update_inbox
Revises: 0008_outbox
"""
import sqlalchemy as sa
from alembic import op

revision = '0009_update_inbox'
down_revision = '0008_outbox'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'received_updates',
        sa.Column('bot_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('update_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('payload', sa.JSON(), nullable=True),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('bot_id', 'update_id'),
    )
    op.create_index('ix_received_updates_processed_at', 'received_updates', ['processed_at'])
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.drop_column('next_attempt_at')
    op.drop_index('ix_received_updates_processed_at', table_name='received_updates')
    op.drop_table('received_updates')
