"""worker leases: which of several workers runs the scheduler

Revision ID: 0024_worker_leases
Revises: 0019_uploaded_file_store
"""
import sqlalchemy as sa
from alembic import op

from storage.migrate import EARLIER_BRANCHES

revision = '0024_worker_leases'
down_revision = '0019_uploaded_file_store'
branch_labels = None
depends_on = EARLIER_BRANCHES


def upgrade() -> None:
    op.create_table(
        'worker_leases',
        sa.Column('name', sa.String(length=32), primary_key=True),
        sa.Column('owner', sa.String(length=64), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table('worker_leases')
