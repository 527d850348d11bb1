"""indexes for national scale: applications by year and status, a teacher's applications, expiry dates

Revision ID: 0026_national_indexes
Revises: 0019_uploaded_file_store
"""
from alembic import op

revision = '0026_national_indexes'
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
    # /stats, the segments and the reminders filter by academic year and status: no scan of all years.
    op.create_index('ix_applications_year_status_user', 'applications', ['academic_year', 'status', 'user_id'])
    # A teacher's application of a year in a given state (the anti-joins of the reminders and segments).
    op.create_index('ix_applications_user_year_status', 'applications', ['user_id', 'academic_year', 'status'])
    # The reminders read the teachers along their category's expiry date, a page at a time.
    op.create_index('ix_teacher_profiles_valid_until', 'teacher_profiles', ['category_valid_until', 'user_id'])


def downgrade() -> None:
    op.drop_index('ix_teacher_profiles_valid_until', table_name='teacher_profiles')
    op.drop_index('ix_applications_user_year_status', table_name='applications')
    op.drop_index('ix_applications_year_status_user', table_name='applications')
