"""broadcast paid: the admin's choice of a paid broadcast (allow_paid_broadcast) on the broadcast row

Revision ID: 0025_broadcast_paid
Revises: 0019_uploaded_file_store
"""
import sqlalchemy as sa
from alembic import op

from storage.migrate import EARLIER_BRANCHES

revision = '0025_broadcast_paid'
down_revision = '0019_uploaded_file_store'
branch_labels = None
depends_on = EARLIER_BRANCHES


def upgrade() -> None:
    with op.batch_alter_table('broadcasts') as batch:
        batch.add_column(sa.Column('paid', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('broadcasts') as batch:
        batch.drop_column('paid')
