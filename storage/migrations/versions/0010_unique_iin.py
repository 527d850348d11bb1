"""one IIN, one account: the IIN of teacher profiles becomes unique

An IIN already held by several profiles stays with the one whose owner got furthest (a completed
profile before an unfinished one, then the earliest completed, then the earliest consent); the
others lose it, so /start asks them for their IIN again, where a taken IIN is now refused.

Revision ID: 0010_unique_iin
Revises: 0001
"""
import logging

import sqlalchemy as sa
from alembic import op

revision = '0010_unique_iin'
down_revision = '0001'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

profiles = sa.table(
    'teacher_profiles',
    sa.column('user_id', sa.BigInteger()),
    sa.column('iin', sa.String(12)),
    sa.column('completed_at', sa.DateTime(timezone=True)),
    sa.column('consent_at', sa.DateTime(timezone=True)),
)


def _release_duplicates() -> int:
    connection = op.get_bind()
    shared = (sa.select(profiles.c.iin).where(profiles.c.iin.is_not(None)).group_by(profiles.c.iin)
              .having(sa.func.count() > 1))
    rows = connection.execute(
        sa.select(profiles.c.user_id, profiles.c.iin).where(profiles.c.iin.in_(shared)).order_by(
            profiles.c.iin, sa.case((profiles.c.completed_at.is_(None), 1), else_=0), profiles.c.completed_at,
            profiles.c.consent_at, profiles.c.user_id)
    ).all()
    kept: set[str] = set()
    released = []
    for user_id, iin in rows:
        if iin in kept:
            released.append(user_id)
        kept.add(iin)
    if released:
        connection.execute(sa.update(profiles).where(profiles.c.user_id.in_(released)).values(iin=None))
    return len(released)


def upgrade() -> None:
    released = _release_duplicates()
    if released:
        log.info("%d profile(s) shared an IIN with an earlier one; they will be asked for it again", released)
    op.drop_index('ix_teacher_profiles_iin', table_name='teacher_profiles')
    op.create_index('ix_teacher_profiles_iin', 'teacher_profiles', ['iin'], unique=True)


def downgrade() -> None:
    op.drop_index('ix_teacher_profiles_iin', table_name='teacher_profiles')
    op.create_index('ix_teacher_profiles_iin', 'teacher_profiles', ['iin'], unique=False)
