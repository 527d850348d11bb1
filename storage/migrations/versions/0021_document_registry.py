"""document registry: every issued certificate and extract with its code, signed facts and revocation

Revision ID: 0021_document_registry
Revises: 0019_uploaded_file_store
"""
import sqlalchemy as sa
from alembic import op

from storage.migrate import EARLIER_BRANCHES

revision = '0021_document_registry'
down_revision = '0019_uploaded_file_store'
branch_labels = None
depends_on = EARLIER_BRANCHES


def upgrade() -> None:
    op.create_table(
        'issued_documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('candidate_id', sa.Integer(), nullable=True),
        sa.Column('facts', sa.JSON(), nullable=False),
        sa.Column('signature', sa.String(length=128), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('valid_until', sa.Date(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_reason', sa.Text(), nullable=True),
        sa.Column('revoked_by', sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code'),
    )
    op.create_index(op.f('ix_issued_documents_application_id'), 'issued_documents', ['application_id'])
    op.create_index(op.f('ix_issued_documents_candidate_id'), 'issued_documents', ['candidate_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_issued_documents_candidate_id'), table_name='issued_documents')
    op.drop_index(op.f('ix_issued_documents_application_id'), table_name='issued_documents')
    op.drop_table('issued_documents')
