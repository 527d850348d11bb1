"""attestation commissions: members, invites, chair votes, reviews, sessions, attendance, agenda, votes,
decisions, generated documents

Revision ID: 0004_commission
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_commission'
down_revision = '0001'
branch_labels = None
depends_on = None



def upgrade() -> None:
    op.create_table(
        'commissions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('level', sa.String(length=16), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('region', sa.String(length=32), nullable=True),
        sa.Column('district', sa.String(length=200), nullable=True),
        sa.Column('organisation', sa.String(length=300), nullable=True),
        sa.Column('order_number', sa.String(length=64), nullable=False),
        sa.Column('order_date', sa.Date(), nullable=False),
        sa.Column('term_end', sa.Date(), nullable=False),
        sa.Column('locale', sa.String(length=8), nullable=False),
        sa.Column('secretary_user_id', sa.BigInteger(), nullable=True),
        sa.Column('secretary_name', sa.String(length=200), nullable=True),
        sa.Column('created_by', sa.BigInteger(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_commissions_level', 'commissions', ['level'])
    op.create_index('ix_commissions_secretary_user_id', 'commissions', ['secretary_user_id'])
    op.create_table(
        'commission_members',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('commission_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.BigInteger(), nullable=False),
        sa.Column('full_name', sa.String(length=200), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('is_chair', sa.Boolean(), nullable=False),
        sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['commission_id'], ['commissions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('commission_id', 'user_id', name='uq_commission_member'),
    )
    op.create_index('ix_commission_members_commission_id', 'commission_members', ['commission_id'])
    op.create_index('ix_commission_members_user_id', 'commission_members', ['user_id'])
    op.create_table(
        'commission_invites',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('commission_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('created_by', sa.BigInteger(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('used_by', sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(['commission_id'], ['commissions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code'),
    )
    op.create_index('ix_commission_invites_commission_id', 'commission_invites', ['commission_id'])
    op.create_table(
        'commission_chair_votes',
        sa.Column('commission_id', sa.Integer(), nullable=False),
        sa.Column('voter_user_id', sa.BigInteger(), nullable=False),
        sa.Column('candidate_user_id', sa.BigInteger(), nullable=False),
        sa.Column('voted_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['commission_id'], ['commissions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('commission_id', 'voter_user_id'),
    )
    op.create_table(
        'application_reviews',
        sa.Column('application_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('commission_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.BigInteger(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('routed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('routed_on', sa.Date(), nullable=False),
        sa.Column('acted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('acted_by', sa.BigInteger(), nullable=True),
        sa.Column('grounds', sa.JSON(), nullable=True),
        sa.Column('documents', sa.Text(), nullable=True),
        sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['commission_id'], ['commissions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('application_id'),
    )
    op.create_index('ix_application_reviews_commission_id', 'application_reviews', ['commission_id'])
    op.create_index('ix_application_reviews_user_id', 'application_reviews', ['user_id'])
    op.create_index('ix_application_reviews_status', 'application_reviews', ['status'])
    op.create_table(
        'commission_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('commission_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('session_date', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('created_by', sa.BigInteger(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['commission_id'], ['commissions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_commission_sessions_commission_id', 'commission_sessions', ['commission_id'])
    op.create_table(
        'session_attendance',
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.BigInteger(), nullable=False),
        sa.Column('marked_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['commission_sessions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('session_id', 'user_id'),
    )
    op.create_table(
        'session_candidates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.BigInteger(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('full_name', sa.String(length=200), nullable=False),
        sa.Column('role', sa.String(length=32), nullable=False),
        sa.Column('org_name', sa.String(length=300), nullable=True),
        sa.Column('kind', sa.String(length=16), nullable=True),
        sa.Column('current_category', sa.String(length=32), nullable=True),
        sa.Column('claimed_category', sa.String(length=32), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['commission_sessions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('session_id', 'application_id', name='uq_session_application'),
    )
    op.create_index('ix_session_candidates_session_id', 'session_candidates', ['session_id'])
    op.create_table(
        'commission_votes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('candidate_id', sa.Integer(), nullable=False),
        sa.Column('member_user_id', sa.BigInteger(), nullable=False),
        sa.Column('decision', sa.String(length=16), nullable=False),
        sa.Column('category', sa.String(length=32), nullable=True),
        sa.Column('cast_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('changes', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['commission_sessions.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['candidate_id'], ['session_candidates.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('session_id', 'candidate_id', 'member_user_id', name='uq_vote_once'),
    )
    op.create_index('ix_commission_votes_session_id', 'commission_votes', ['session_id'])
    op.create_index('ix_commission_votes_candidate_id', 'commission_votes', ['candidate_id'])
    op.create_table(
        'commission_decisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('candidate_id', sa.Integer(), nullable=False),
        sa.Column('decision', sa.String(length=16), nullable=False),
        sa.Column('assigned_category', sa.String(length=32), nullable=True),
        sa.Column('outcome', sa.String(length=16), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_on', sa.Date(), nullable=False),
        sa.Column('extract_due', sa.Date(), nullable=False),
        sa.Column('certificate_number', sa.String(length=64), nullable=True),
        sa.Column('valid_until', sa.Date(), nullable=True),
        sa.Column('extract_sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('certificate_sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['candidate_id'], ['session_candidates.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('candidate_id'),
        sa.UniqueConstraint('certificate_number'),
    )
    op.create_table(
        'commission_documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('commission_id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=True),
        sa.Column('candidate_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('fmt', sa.String(length=8), nullable=False),
        sa.Column('locale', sa.String(length=8), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['commission_id'], ['commissions.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['session_id'], ['commission_sessions.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['candidate_id'], ['session_candidates.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_commission_documents_commission_id', 'commission_documents', ['commission_id'])


def downgrade() -> None:
    for table in ('commission_documents', 'commission_decisions', 'commission_votes', 'session_candidates',
                  'session_attendance', 'commission_sessions', 'application_reviews', 'commission_chair_votes',
                  'commission_invites', 'commission_members', 'commissions'):
        op.drop_table(table)
