"""broadcast queue, sent reminders, reminder preferences, application windows

Revision ID: 0005_broadcast
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_broadcast'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'broadcasts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_by', sa.BigInteger(), nullable=False),
        sa.Column('admin_locale', sa.String(length=8), nullable=False),
        sa.Column('text_kk', sa.Text(), nullable=False),
        sa.Column('text_ru', sa.Text(), nullable=False),
        sa.Column('segment', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('progress_chat_id', sa.BigInteger(), nullable=True),
        sa.Column('progress_message_id', sa.Integer(), nullable=True),
        sa.Column('lease_owner', sa.String(length=64), nullable=True),
        sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_broadcasts_status', 'broadcasts', ['status'])
    op.create_table(
        'broadcast_recipients',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('broadcast_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.BigInteger(), nullable=False),
        sa.Column('locale', sa.String(length=8), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('error', sa.String(length=300), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['broadcast_id'], ['broadcasts.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('broadcast_id', 'user_id', name='uq_broadcast_recipient'),
    )
    op.create_index('ix_broadcast_recipients_queue', 'broadcast_recipients', ['broadcast_id', 'status', 'id'])
    op.create_index('ix_broadcast_recipients_user', 'broadcast_recipients', ['user_id', 'status'])
    op.create_table(
        'sent_reminders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.BigInteger(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('academic_year', sa.Integer(), nullable=False),
        sa.Column('occasion', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('error', sa.String(length=300), nullable=True),
        sa.Column('claimed_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'kind', 'academic_year', 'occasion', name='uq_sent_reminder'),
    )
    op.create_table(
        'reminder_preferences',
        sa.Column('user_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('muted', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint('user_id'),
    )
    op.create_table(
        'application_windows',
        sa.Column('academic_year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('opens_on', sa.Date(), nullable=False),
        sa.Column('closes_on', sa.Date(), nullable=False),
        sa.Column('set_by', sa.BigInteger(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint('academic_year'),
    )


def downgrade() -> None:
    op.drop_table('application_windows')
    op.drop_table('reminder_preferences')
    op.drop_table('sent_reminders')
    op.drop_index('ix_broadcast_recipients_user', table_name='broadcast_recipients')
    op.drop_index('ix_broadcast_recipients_queue', table_name='broadcast_recipients')
    op.drop_table('broadcast_recipients')
    op.drop_index('ix_broadcasts_status', table_name='broadcasts')
    op.drop_table('broadcasts')
