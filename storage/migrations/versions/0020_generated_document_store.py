"""generated documents in the file store: a commission document keeps the id of its copy there, its bytes only
in rows written before

Revision ID: 0020_generated_document_store
Revises: 0019_uploaded_file_store
"""
import sqlalchemy as sa
from alembic import op

from storage.migrate import EARLIER_BRANCHES

revision = '0020_generated_document_store'
down_revision = '0019_uploaded_file_store'
branch_labels = None
depends_on = EARLIER_BRANCHES

CONSTRAINT = 'fk_commission_documents_stored_file'


def upgrade() -> None:
    with op.batch_alter_table('commission_documents') as batch:
        batch.add_column(sa.Column('stored_file_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(CONSTRAINT, 'stored_files', ['stored_file_id'], ['id'], ondelete='SET NULL')
        batch.alter_column('content', existing_type=sa.LargeBinary(), nullable=True)


def downgrade() -> None:
    # A document kept only in the file store has no bytes to put back in the row: it goes.
    op.execute("DELETE FROM commission_documents WHERE content IS NULL")
    with op.batch_alter_table('commission_documents') as batch:
        batch.alter_column('content', existing_type=sa.LargeBinary(), nullable=False)
        batch.drop_constraint(CONSTRAINT, type_='foreignkey')
        batch.drop_column('stored_file_id')
