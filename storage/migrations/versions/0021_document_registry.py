"""document registry: every issued certificate and extract with its code, signed facts and revocation

Revision ID: 0021_document_registry
Revises: 0019_uploaded_file_store
"""
import sqlalchemy as sa
from alembic import op

revision = '0021_document_registry'
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
