"""Demo data for `python -m sandbox --demo`: the people of a whole attestation and their bot records.

The cast is fixed (stable Telegram ids), so the page's links stay the same from run to run. Database
areas are seeded by one function each, listed in DB_SEEDERS; a new area (commission, applications, …)
adds its function there. Every seeder leaves existing rows alone, so `--demo` can be given every time
without overwriting what was done in the sandbox since.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from sandbox.server import BotAPIServer
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models import TeacherProfile
from storage.repositories import ProfileRepository, UserRepository


@dataclass(frozen=True)
class Person:
    id: int
    first_name: str
    last_name: str
    language: str  # the Telegram app's language; also the bot language seeded for people with records
    phone: str
    role: str  # teacher | admin | member | secretary
    stage: str = ""  # for teachers: "" (nothing yet), "started" or "complete"

    @property
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name}"


DEMO_ADMIN_ID = 7_000_001

CAST: tuple[Person, ...] = (
    Person(7_000_101, "Айгуль", "Ахметова", "kk", "+77011230101", "teacher"),
    Person(7_000_102, "Дана", "Сейткали", "ru", "+77011230102", "teacher", "started"),
    Person(7_000_103, "Марат", "Нурланов", "ru", "+77011230103", "teacher", "complete"),
    Person(DEMO_ADMIN_ID, "Ержан", "Администратов", "ru", "+77011230001", "admin"),
    Person(7_000_201, "Гульнара", "Секретарева", "ru", "+77011230201", "secretary"),
    *(
        Person(7_000_300 + n, first, last, lang, f"+7701123{300 + n:04d}", "member")
        for n, (first, last, lang) in enumerate((
            ("Бакыт", "Жумабаев", "kk"), ("Светлана", "Ким", "ru"), ("Нурлан", "Омаров", "kk"),
            ("Алия", "Касымова", "kk"), ("Ирина", "Петренко", "ru"), ("Серик", "Абенов", "kk"),
            ("Жанар", "Тулегенова", "ru"),
        ), start=1)
    ),
)

# Valid IINs (birth date, century/sex digit and check digit agree), one per seeded teacher.
_IINS = {7_000_102: "900521400027", 7_000_103: "880207350013"}


def seed_users(server: BotAPIServer) -> list[Person]:
    """Create the cast as simulated Telegram users (those the server does not know yet)."""
    known = {user.id for user in server.users()}
    for person in CAST:
        if person.id not in known:
            server.create_user(person.first_name, user_id=person.id, last_name=person.last_name,
                               language_code=person.language, phone_number=person.phone)
    return list(CAST)


async def seed_bot_users(session: AsyncSession) -> None:
    """Everyone but the fresh teacher has talked to the bot before, so their language is known."""
    users = UserRepository(session)
    for person in CAST:
        if person.role == "teacher" and not person.stage:
            continue
        user = await users.get_or_create(person.id)
        if user.locale is None:
            await users.set_locale(user, person.language)


def _profile_values(person: Person) -> dict[str, object]:
    values: dict[str, object] = {"full_name": person.full_name, "iin": _IINS[person.id]}
    if person.stage == "complete":
        values |= {
            "role": "teacher", "org_type": "general_secondary", "org_name": "Школа-гимназия №12",
            "region": "karaganda", "district": "Караганда", "current_category": "moderator",
            "category_valid_until": date(2026, 12, 31), "experience_years": 9,
            "education": "higher_pedagogical", "claimed_category": "expert", "attestation_kind": "regular",
            "certificates": [], "email": "marat.nurlanov@mail.kz", "phone": person.phone,
            "completed_at": datetime.now(UTC),
        }
    return values


async def seed_profiles(session: AsyncSession) -> None:
    """Teachers at different stages: one who has just started (name and IIN) and one with a complete profile."""
    profiles = ProfileRepository(session)
    for person in CAST:
        if person.role != "teacher" or not person.stage or await profiles.get(person.id) is not None:
            continue
        profile: TeacherProfile = await profiles.give_consent(person.id, datetime.now(UTC))
        for field, value in _profile_values(person).items():
            await profiles.set_field(profile, field, value)


DbSeeder = Callable[[AsyncSession], Awaitable[None]]
# In order: later areas may rely on rows of earlier ones.
DB_SEEDERS: tuple[DbSeeder, ...] = (seed_bot_users, seed_profiles)


async def seed_database(database_url: str, seeders: tuple[DbSeeder, ...] = DB_SEEDERS) -> None:
    """Bring the bot's database to the current schema and run every seeder, each in its own transaction."""
    await upgrade(database_url)
    engine = create_engine(database_url)
    try:
        sessions = create_session_factory(engine)
        for seeder in seeders:
            async with sessions() as session, session.begin():
                await seeder(session)
    finally:
        await engine.dispose()


async def seed(server: BotAPIServer, database_url: str) -> list[Person]:
    """All demo data: the simulated users on the server and their records in the bot's database."""
    cast = seed_users(server)
    await seed_database(database_url)
    return cast
