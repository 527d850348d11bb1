"""essay topics per language: a Kazakh and a Russian list for each academic year

The one list of each year so far becomes both languages' list (every teacher saw it), until an admin
sets the list of each language with /topics.

Revision ID: 0014_essay_topics_by_language
Revises: 0002_checklist
"""
import sqlalchemy as sa
from alembic import op

revision = '0014_essay_topics_by_language'
down_revision = '0002_checklist'
branch_labels = None
depends_on = None

LOCALES = ('kk', 'ru')


def upgrade() -> None:
    lists = op.create_table('essay_topic_lists',
    sa.Column('academic_year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('set_by', sa.BigInteger(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('academic_year', 'locale')
    )
    old = sa.table('essay_topics', sa.column('academic_year', sa.Integer()), sa.column('topics', sa.JSON()),
                   sa.column('set_by', sa.BigInteger()), sa.column('updated_at', sa.DateTime(timezone=True)))
    connection = op.get_bind()
    rows = connection.execute(sa.select(old.c.academic_year, old.c.topics, old.c.set_by, old.c.updated_at)).all()
    if rows:
        op.bulk_insert(lists, [
            {'academic_year': year, 'locale': locale, 'topics': topics, 'set_by': by, 'updated_at': when}
            for year, topics, by, when in rows for locale in LOCALES
        ])
    op.drop_table('essay_topics')


def downgrade() -> None:
    old = op.create_table('essay_topics',
    sa.Column('academic_year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('set_by', sa.BigInteger(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('academic_year')
    )
    lists = sa.table('essay_topic_lists', sa.column('academic_year', sa.Integer()), sa.column('locale', sa.String()),
                     sa.column('topics', sa.JSON()), sa.column('set_by', sa.BigInteger()),
                     sa.column('updated_at', sa.DateTime(timezone=True)))
    connection = op.get_bind()
    # One list per year again: the Kazakh one where there is one (the default language), else the Russian.
    kept: dict[int, tuple] = {}
    for year, locale, topics, by, when in connection.execute(sa.select(
            lists.c.academic_year, lists.c.locale, lists.c.topics, lists.c.set_by, lists.c.updated_at)
            .order_by(lists.c.locale.desc())).all():
        kept[year] = (topics, by, when)
    if kept:
        op.bulk_insert(old, [{'academic_year': year, 'topics': topics, 'set_by': by, 'updated_at': when}
                             for year, (topics, by, when) in kept.items()])
    op.drop_table('essay_topic_lists')
