"""worker leases: which of several workers runs the scheduler

Revision ID: 0024_worker_leases
Revises: 0019_uploaded_file_store
"""
import sqlalchemy as sa
from alembic import op

revision = '0024_worker_leases'
down_revision = '0019_uploaded_file_store'
branch_labels = None
# After the whole schema before it: the areas' branches off 0001 must all have run (a table this changes
# may come from any of them).
depends_on = (
    '0003_scoring',
    '0007_teaching_post',
    '0009_update_inbox',
    '0010_unique_iin',
    '0011_erased_links',
    '0012_administrative_areas',
    '0013_votes_documents',
    '0014_essay_topics_by_language',
    '0016_programme_transfer',
    '0018_rule_set_notices',
)


def upgrade() -> None:
    op.create_table(
        'worker_leases',
        sa.Column('name', sa.String(length=32), primary_key=True),
        sa.Column('owner', sa.String(length=64), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table('worker_leases')
