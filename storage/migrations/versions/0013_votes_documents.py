"""votes: abstentions recorded on closing, where ballots are, what a decision was counted of; the order
assigning the categories of a session

Revision ID: 0013_votes_documents
Revises: 0006_commission_points
"""
import sqlalchemy as sa
from alembic import op

revision = '0013_votes_documents'
down_revision = '0006_commission_points'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'commission_abstentions',
        sa.Column('candidate_id', sa.Integer(), nullable=False),
        sa.Column('member_user_id', sa.BigInteger(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('recorded_by', sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(['candidate_id'], ['session_candidates.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('candidate_id', 'member_user_id'),
    )
    op.create_table(
        'commission_ballot_messages',
        sa.Column('candidate_id', sa.Integer(), nullable=False),
        sa.Column('member_user_id', sa.BigInteger(), nullable=False),
        sa.Column('message_id', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['candidate_id'], ['session_candidates.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('candidate_id', 'member_user_id'),
    )
    # batch mode: SQLite cannot ALTER a table's columns in place.
    with op.batch_alter_table('commission_decisions') as batch:
        batch.add_column(sa.Column('voters', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('majority_of', sa.String(length=16), nullable=True))
    with op.batch_alter_table('commission_sessions') as batch:
        batch.add_column(sa.Column('order_number', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('order_date', sa.Date(), nullable=True))
        batch.add_column(sa.Column('order_issuer', sa.String(length=300), nullable=True))
        batch.add_column(sa.Column('order_signatory', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('certificates_issued_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('commission_sessions') as batch:
        for column in ('certificates_issued_at', 'order_signatory', 'order_issuer', 'order_date', 'order_number'):
            batch.drop_column(column)
    with op.batch_alter_table('commission_decisions') as batch:
        batch.drop_column('majority_of')
        batch.drop_column('voters')
    op.drop_table('commission_ballot_messages')
    op.drop_table('commission_abstentions')
