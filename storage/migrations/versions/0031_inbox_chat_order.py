"""inbox chat order: each stored update's chat, and an index of a chat's updates still waiting

Revision ID: 0031_inbox_chat_order
Revises: 0019_uploaded_file_store
"""
import sqlalchemy as sa
from alembic import op

from storage.migrate import EARLIER_BRANCHES

revision = '0031_inbox_chat_order'
down_revision = '0019_uploaded_file_store'
branch_labels = None
depends_on = EARLIER_BRANCHES


def upgrade() -> None:
    op.add_column('received_updates', sa.Column('chat_id', sa.BigInteger(), nullable=True))
    waiting = sa.text('processed_at IS NULL')
    op.create_index('ix_received_updates_chat_waiting', 'received_updates', ['bot_id', 'chat_id', 'update_id'],
                    postgresql_where=waiting, sqlite_where=waiting)


def downgrade() -> None:
    op.drop_index('ix_received_updates_chat_waiting', table_name='received_updates')
    op.drop_column('received_updates', 'chat_id')
