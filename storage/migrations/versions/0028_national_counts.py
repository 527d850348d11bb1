"""national counts: covering indexes for the reminder selection's teacher probe and /stats' per-region counts

Revision ID: 0028_national_counts
Revises: 0019_uploaded_file_store
"""
from alembic import op

from storage.migrate import EARLIER_BRANCHES

revision = '0028_national_counts'
down_revision = '0019_uploaded_file_store'
branch_labels = None
depends_on = EARLIER_BRANCHES


def upgrade() -> None:
    op.create_index('ix_users_id_active_locale', 'users', ['id', 'is_active', 'locale'])
    op.create_index('ix_teacher_profiles_region_completed', 'teacher_profiles', ['region', 'completed_at'])
    op.create_index('ix_teacher_profiles_user_region', 'teacher_profiles', ['user_id', 'region'])


def downgrade() -> None:
    op.drop_index('ix_teacher_profiles_user_region', table_name='teacher_profiles')
    op.drop_index('ix_teacher_profiles_region_completed', table_name='teacher_profiles')
    op.drop_index('ix_users_id_active_locale', table_name='users')
