"""districts and cities as KATO codes (scoring/data/areas.json) instead of free text, and who was told
that an application reaches no commission

Teachers' and commissions' typed districts are mapped with the bot's own matcher (scoring.areas),
taking only a name that equals exactly one area of the region (case, «г.»/«ауданы»/«район» and
Kazakh/Russian spelling aside). A teacher left unmapped is asked the question again at her next
/start or /submit; a commission left unmapped keeps its typed text in `legacy_area` and the
administrators are told (bot/services/routing.py).

Revision ID: 0012_administrative_areas
Revises: 0002_checklist, 0004_commission
"""
import sqlalchemy as sa
from alembic import op

from scoring.areas import area_by_code, catalogue

revision = '0012_administrative_areas'
down_revision = ('0002_checklist', '0004_commission')
branch_labels = None
depends_on = None


def _code_for(region: str | None, typed: str | None) -> str | None:
    if not typed:
        return None
    found = catalogue().match(typed, region).certain
    return found.code if found is not None else None


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column('teacher_profiles', sa.Column('area_code', sa.String(length=9), nullable=True))
    op.create_index('ix_teacher_profiles_area_code', 'teacher_profiles', ['area_code'])
    profiles = sa.table('teacher_profiles', sa.column('user_id', sa.BigInteger()), sa.column('region', sa.String()),
                        sa.column('district', sa.String()), sa.column('area_code', sa.String()))
    for user_id, region, district in bind.execute(sa.select(profiles.c.user_id, profiles.c.region,
                                                            profiles.c.district)).all():
        code = _code_for(region, district)
        if code is not None:
            bind.execute(profiles.update().where(profiles.c.user_id == user_id).values(area_code=code))
    with op.batch_alter_table('teacher_profiles') as batch:
        batch.drop_column('district')

    with op.batch_alter_table('commissions') as batch:
        batch.add_column(sa.Column('area_code', sa.String(length=9), nullable=True))
        batch.add_column(sa.Column('area_reported_at', sa.DateTime(timezone=True), nullable=True))
        batch.alter_column('district', new_column_name='legacy_area', existing_type=sa.String(length=200))
    commissions = sa.table('commissions', sa.column('id', sa.Integer()), sa.column('region', sa.String()),
                           sa.column('legacy_area', sa.String()), sa.column('area_code', sa.String()))
    for commission_id, region, typed in bind.execute(sa.select(commissions.c.id, commissions.c.region,
                                                               commissions.c.legacy_area)).all():
        code = _code_for(region, typed)
        if code is not None:
            bind.execute(commissions.update().where(commissions.c.id == commission_id)
                         .values(area_code=code, legacy_area=None))

    op.add_column('applications', sa.Column('unrouted_reported_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table('applications') as batch:
        batch.drop_column('unrouted_reported_at')

    commissions = sa.table('commissions', sa.column('id', sa.Integer()), sa.column('legacy_area', sa.String()),
                           sa.column('area_code', sa.String()))
    for commission_id, code in bind.execute(sa.select(commissions.c.id, commissions.c.area_code)
                                            .where(commissions.c.area_code.is_not(None))).all():
        area = area_by_code(code)
        bind.execute(commissions.update().where(commissions.c.id == commission_id)
                     .values(legacy_area=area.ru if area else code))
    with op.batch_alter_table('commissions') as batch:
        batch.alter_column('legacy_area', new_column_name='district', existing_type=sa.String(length=200))
        batch.drop_column('area_reported_at')
        batch.drop_column('area_code')

    op.add_column('teacher_profiles', sa.Column('district', sa.String(length=200), nullable=True))
    profiles = sa.table('teacher_profiles', sa.column('user_id', sa.BigInteger()), sa.column('district', sa.String()),
                        sa.column('area_code', sa.String()))
    for user_id, code in bind.execute(sa.select(profiles.c.user_id, profiles.c.area_code)
                                      .where(profiles.c.area_code.is_not(None))).all():
        area = area_by_code(code)
        bind.execute(profiles.update().where(profiles.c.user_id == user_id).values(district=area.ru if area else code))
    op.drop_index('ix_teacher_profiles_area_code', table_name='teacher_profiles')
    with op.batch_alter_table('teacher_profiles') as batch:
        batch.drop_column('area_code')
