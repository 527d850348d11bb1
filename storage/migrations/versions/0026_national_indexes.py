"""indexes for national scale: applications by year and status, a teacher's applications, expiry dates

Revision ID: 0026_national_indexes
Revises: 0019_uploaded_file_store
"""
from alembic import op

from storage.migrate import EARLIER_BRANCHES

revision = '0026_national_indexes'
down_revision = '0019_uploaded_file_store'
branch_labels = None
depends_on = EARLIER_BRANCHES


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
