"""appeals: complaints about a refusal or a decision (§26), their deadlines and files

Revision ID: 0022_appeals
Revises: 0019_uploaded_file_store
"""
import sqlalchemy as sa
from alembic import op

from storage.migrate import EARLIER_BRANCHES

revision = '0022_appeals'
down_revision = '0019_uploaded_file_store'
branch_labels = None
depends_on = EARLIER_BRANCHES


def upgrade() -> None:
    op.create_table(
        'appeals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=32), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('commission_id', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.BigInteger(), nullable=False),
        sa.Column('locale', sa.String(length=8), nullable=False),
        sa.Column('subject', sa.String(length=16), nullable=False),
        sa.Column('subject_on', sa.Date(), nullable=False),
        sa.Column('grounds', sa.String(length=3000), nullable=False),
        sa.Column('attend', sa.Boolean(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('registered_on', sa.Date(), nullable=False),
        sa.Column('forward_by', sa.Date(), nullable=False),
        sa.Column('provider_review_by', sa.Date(), nullable=False),
        sa.Column('forwarded_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('forwarded_on', sa.Date(), nullable=True),
        sa.Column('forwarded_by', sa.BigInteger(), nullable=True),
        sa.Column('quality_body_review_by', sa.Date(), nullable=True),
        sa.Column('review_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('scheduled_by', sa.BigInteger(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decided_by', sa.BigInteger(), nullable=True),
        sa.Column('remedy', sa.String(length=16), nullable=True),
        sa.Column('reasons', sa.String(length=3000), nullable=True),
        sa.Column('reissue_requested_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('outcome_file_id', sa.Integer(), nullable=True),
        sa.Column('reminded_for', sa.Date(), nullable=True),
        sa.Column('overdue_reported_for', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['outcome_file_id'], ['stored_files.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('number'),
        sa.UniqueConstraint('year', 'sequence', name='uq_appeals_year_sequence'),
    )
    op.create_index('ix_appeals_application_id', 'appeals', ['application_id'])
    op.create_index('ix_appeals_commission_id', 'appeals', ['commission_id'])
    op.create_index('ix_appeals_user_id', 'appeals', ['user_id'])
    op.create_index('ix_appeals_status', 'appeals', ['status'])
    op.create_table(
        'appeal_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('appeal_id', sa.Integer(), nullable=False),
        sa.Column('stored_file_id', sa.Integer(), nullable=True),
        sa.Column('file_id', sa.String(length=255), nullable=False),
        sa.Column('file_name', sa.String(length=255), nullable=True),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(['appeal_id'], ['appeals.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['stored_file_id'], ['stored_files.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_appeal_files_appeal_id', 'appeal_files', ['appeal_id'])


def downgrade() -> None:
    op.drop_index('ix_appeal_files_appeal_id', table_name='appeal_files')
    op.drop_table('appeal_files')
    for column in ('status', 'user_id', 'commission_id', 'application_id'):
        op.drop_index(f'ix_appeals_{column}', table_name='appeals')
    op.drop_table('appeals')
