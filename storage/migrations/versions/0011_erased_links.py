"""records kept after an erasure no longer point to the erased person: who-did-it columns may be empty;
the database file's maintenance owed after an erasure

Revision ID: 0011_erased_links
Revises: 0004_commission, 0005_broadcast

/delete_me keeps the records of a commission's decision (scoring/retention.py) but cuts them from the
person's Telegram account, and forgets who created a commission, an invite, a session or a broadcast
when that person erases their data. Batch mode rebuilds the tables on SQLite; env.py turns foreign-key
enforcement off for the run, or dropping the old `session_candidates` would cascade into its votes,
decisions and documents.
"""
import sqlalchemy as sa
from alembic import op

revision = '0011_erased_links'
down_revision = ('0004_commission', '0005_broadcast')
branch_labels = None
depends_on = None

COLUMNS = (
    ('session_candidates', 'user_id'),
    ('commission_sessions', 'created_by'),
    ('commission_invites', 'created_by'),
    ('commissions', 'created_by'),
    ('broadcasts', 'created_by'),
)


def upgrade() -> None:
    for table, column in COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, existing_type=sa.BigInteger(), nullable=True)
    # After an erasure SQLite's file is rebuilt in the night (storage.maintenance_models.MaintenanceDue).
    op.create_table(
        'maintenance_due',
        sa.Column('task', sa.String(length=32), nullable=False),
        sa.Column('since', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('task'),
    )


def downgrade() -> None:
    op.drop_table('maintenance_due')
    for table, column in COLUMNS:
        op.execute(sa.text(f"DELETE FROM {table} WHERE {column} IS NULL") if table == 'session_candidates'
                   else sa.text(f"UPDATE {table} SET {column} = 0 WHERE {column} IS NULL"))
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, existing_type=sa.BigInteger(), nullable=False)
