"""broadcast paid: the admin's choice of a paid broadcast (allow_paid_broadcast) on the broadcast row

Revision ID: 0025_broadcast_paid
Revises: 0019_uploaded_file_store
"""
import sqlalchemy as sa
from alembic import op

revision = '0025_broadcast_paid'
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
    with op.batch_alter_table('broadcasts') as batch:
        batch.add_column(sa.Column('paid', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('broadcasts') as batch:
        batch.drop_column('paid')
