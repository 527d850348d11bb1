"""session candidates by application: an index for the look-ups by application alone (export, history, appeals)

Revision ID: 0027_candidates_by_application
Revises: 0019_uploaded_file_store
"""
from alembic import op

revision = '0027_candidates_by_application'
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
    op.create_index('ix_session_candidates_application_id', 'session_candidates', ['application_id'])


def downgrade() -> None:
    op.drop_index('ix_session_candidates_application_id', table_name='session_candidates')
