"""stored files: the department's copy of every document (checksum, size, detected type, owner)

Revision ID: 0015_stored_files
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = '0015_stored_files'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'stored_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_user_id', sa.BigInteger(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('detected_type', sa.String(length=16), nullable=False),
        sa.Column('store_key', sa.String(length=128), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('keep_until', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('owner_user_id', 'sha256', name='uq_stored_files_owner_sha256'),
    )
    op.create_index('ix_stored_files_owner_user_id', 'stored_files', ['owner_user_id'])
    op.create_index('ix_stored_files_keep_until', 'stored_files', ['keep_until'])


def downgrade() -> None:
    op.drop_index('ix_stored_files_keep_until', table_name='stored_files')
    op.drop_index('ix_stored_files_owner_user_id', table_name='stored_files')
    op.drop_table('stored_files')
