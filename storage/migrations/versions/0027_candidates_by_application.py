"""session candidates by application: an index for the look-ups by application alone (export, history, appeals)

Revision ID: 0027_candidates_by_application
Revises: 0019_uploaded_file_store
"""
from alembic import op

from storage.migrate import EARLIER_BRANCHES

revision = '0027_candidates_by_application'
down_revision = '0019_uploaded_file_store'
branch_labels = None
depends_on = EARLIER_BRANCHES


def upgrade() -> None:
    op.create_index('ix_session_candidates_application_id', 'session_candidates', ['application_id'])


def downgrade() -> None:
    op.drop_index('ix_session_candidates_application_id', table_name='session_candidates')
