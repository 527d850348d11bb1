"""uploaded file store: a checklist file and an essay file keep the id of their copy in the file store

Revision ID: 0019_uploaded_file_store
Revises: 0002_checklist, 0015_stored_files
"""
import sqlalchemy as sa
from alembic import op

revision = '0019_uploaded_file_store'
down_revision = ('0002_checklist', '0015_stored_files')
branch_labels = None
depends_on = None

TABLES = (('checklist_files', 'fk_checklist_files_stored_file'), ('essays', 'fk_essays_stored_file'))


def upgrade() -> None:
    for table, constraint in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('stored_file_id', sa.Integer(), nullable=True))
            batch.create_foreign_key(constraint, 'stored_files', ['stored_file_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    for table, constraint in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(constraint, type_='foreignkey')
            batch.drop_column('stored_file_id')
