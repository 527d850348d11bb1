"""national counts: covering indexes for the reminder selection's teacher probe and /stats' per-region counts;
the broadcast recipients' unique key and user index merged into one (person, broadcast) unique key

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
    with op.batch_alter_table('broadcast_recipients') as batch:
        batch.create_unique_constraint('uq_broadcast_recipient_user', ['user_id', 'broadcast_id'])
        batch.drop_constraint('uq_broadcast_recipient', type_='unique')
    op.drop_index('ix_broadcast_recipients_user', table_name='broadcast_recipients')


def downgrade() -> None:
    op.create_index('ix_broadcast_recipients_user', 'broadcast_recipients', ['user_id', 'status'])
    with op.batch_alter_table('broadcast_recipients') as batch:
        batch.create_unique_constraint('uq_broadcast_recipient', ['broadcast_id', 'user_id'])
        batch.drop_constraint('uq_broadcast_recipient_user', type_='unique')
    op.drop_index('ix_teacher_profiles_user_region', table_name='teacher_profiles')
    op.drop_index('ix_teacher_profiles_region_completed', table_name='teacher_profiles')
    op.drop_index('ix_users_id_active_locale', table_name='users')
