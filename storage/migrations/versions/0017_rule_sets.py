"""rule sets: the sets an admin loaded (/rules), and the set each application is judged by

Revision ID: 0017_rule_sets
Revises: 0002_checklist
"""
import sqlalchemy as sa
from alembic import op

revision = '0017_rule_sets'
down_revision = '0002_checklist'
branch_labels = None
depends_on = None

# Every application submitted before this migration was judged by the 2024 pilot.
PILOT_KEY = 'kz-2024-pilot@2024.1'


def upgrade() -> None:
    op.create_table(
        'rule_sets',
        sa.Column('key', sa.String(length=128), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('first_year', sa.Integer(), nullable=False),
        sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('loaded_by', sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint('key'),
    )
    with op.batch_alter_table('applications') as batch:
        batch.add_column(sa.Column('rule_set_key', sa.String(length=128), nullable=True))
    op.execute(sa.text("UPDATE applications SET rule_set_key = :key WHERE status != 'draft'").bindparams(key=PILOT_KEY))


def downgrade() -> None:
    with op.batch_alter_table('applications') as batch:
        batch.drop_column('rule_set_key')
    op.drop_table('rule_sets')
