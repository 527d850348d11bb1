"""`--demo` seed data: the cast as simulated users, and teachers' records at different stages in the bot's DB."""

from __future__ import annotations

from pathlib import Path

from bot.profile_form import next_question
from sandbox.botapi import BotAPIServer
from sandbox.demo import CAST, DEMO_ADMIN_ID, seed
from scoring.iin import validate_iin
from storage.db import create_engine, create_session_factory
from storage.models import TeacherProfile, User


async def test_seed_creates_cast_and_profiles_once(server: BotAPIServer, tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    cast = await seed(server, url)
    roles = [person.role for person in cast]
    assert roles.count("member") == 7 and roles.count("secretary") == 1 and roles.count("admin") == 1
    assert roles.count("teacher") >= 2
    assert {user.id for user in server.users()} == {person.id for person in CAST}
    assert all(user.phone_number for user in server.users())
    assert DEMO_ADMIN_ID in {person.id for person in cast if person.role == "admin"}

    engine = create_engine(url)
    sessions = create_session_factory(engine)
    try:
        async with sessions() as session:
            for person in CAST:
                profile = await session.get(TeacherProfile, person.id)
                user = await session.get(User, person.id)
                if person.role == "teacher" and not person.stage:
                    assert profile is None and user is None  # goes through language and consent on the page
                    continue
                assert user is not None and user.locale == person.language
                if person.stage == "started":
                    assert profile is not None and profile.completed_at is None
                    assert validate_iin(profile.iin or "").iin == profile.iin
                    upcoming = next_question(profile)
                    assert upcoming is not None and upcoming.field == "role"
                elif person.stage == "complete":
                    assert profile is not None and profile.completed_at is not None
                    assert validate_iin(profile.iin or "").iin == profile.iin
                    assert next_question(profile) is None
                else:
                    assert profile is None
            started = next(p for p in CAST if p.stage == "started")
            profile = await session.get(TeacherProfile, started.id)
            assert profile is not None
            profile.org_name = "changed in the sandbox"
            await session.commit()

        # Seeding again (every `--demo` start) keeps what happened in the sandbox since.
        await seed(server, url)
        async with sessions() as session:
            profile = await session.get(TeacherProfile, started.id)
            assert profile is not None and profile.org_name == "changed in the sandbox"
    finally:
        await engine.dispose()
