"""How many statements one onboarding answer costs, through the inbox and the real Dispatcher, on both
databases. Each is a round trip to PostgreSQL, which a worker pays for in CPU (the driver, the event loop, the
socket) and every update pays for in latency: a change that adds one to every update fails here, and the
counts below are lowered when a change takes one away."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import CallbackQuery, Chat, Message, Update
from sqlalchemy import event

from bot.pipeline.inbox import store
from features.profile.callbacks import ChoiceCallback
from tests.conftest import Harness
from tests.handlers.test_onboarding import VALID_IIN, start_and_consent

_IDS = itertools.count(5_000_000)


@contextmanager
def counted(harness: Harness) -> Iterator[list[str]]:
    """The SQL statements the application's engine sends while the block runs."""
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = harness.app.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def text_update(user_id: int, text: str) -> Update:
    return Update(update_id=next(_IDS), message=Message(
        message_id=next(_IDS), date=datetime.now(UTC), chat=Chat(id=user_id, type="private"),
        from_user=Harness.user(user_id), text=text))


def press_update(user_id: int, data: str) -> Update:
    message = Message(message_id=1, date=datetime.now(UTC), chat=Chat(id=user_id, type="private"), text="…")
    return Update(update_id=next(_IDS), callback_query=CallbackQuery(
        id=str(next(_IDS)), from_user=Harness.user(user_id), chat_instance="ci", message=message, data=data))


async def delivered(harness: Harness, update: Update) -> list[Any]:
    """The update as the webhook and long polling hand it on: stored in the inbox, then dispatched."""
    before = len(harness.session.requests)
    assert await store(harness.app.sessions, harness.bot, [update]) == [update]
    await harness.app.dispatcher.feed_update(harness.bot, update)
    return harness.session.requests[before:]


async def answers_counted(harness: Harness, user_id: int) -> tuple[list[str], list[str]]:
    """The statements of a typed answer (the school's name) and of a button answer (the region), each
    the answer a teacher gives on the way through onboarding."""
    user = harness.user(user_id)
    await start_and_consent(harness, user, "ru")
    await harness.text(user, "Ахметова Айгуль Серикқызы")
    await harness.text(user, VALID_IIN)
    await harness.press(user, ChoiceCallback(field="role", value="teacher").pack())
    await harness.press(user, ChoiceCallback(field="teaching_post", value="subject").pack())
    await harness.press(user, ChoiceCallback(field="org_type", value="general_secondary").pack())
    with counted(harness) as typed:
        sent = await delivered(harness, text_update(user_id, "School-lyceum No. 7"))
    assert any(isinstance(r, SendMessage) for r in sent)  # the next question (the region)
    with counted(harness) as pressed:
        sent = await delivered(harness, press_update(user_id, ChoiceCallback(field="region",
                                                                              value="karaganda").pack()))
    assert any(isinstance(r, EditMessageText) for r in sent)  # the pressed question shows the choice
    return typed, pressed


def kinds(statements: list[str]) -> list[str]:
    """Each statement as its verb and table, in order (what a failure prints)."""
    named = []
    for statement in statements:
        words = statement.replace("(", " ").split()
        verb = words[0].upper()
        table = {"INSERT": 2, "UPDATE": 1, "DELETE": 2}.get(verb)
        if verb == "WITH":
            named.append("WITH claimed (inbox claim, user, FSM record)")
        elif verb == "SELECT" and " AS claimed " in statement:
            named.append("SELECT claimed")
        elif table is not None:
            named.append(f"{verb} {words[table]}")
        else:
            upper = [w.upper() for w in words]
            from_at = len(upper) - 1 - upper[::-1].index("FROM")  # the outer query's (a subquery's comes first)
            named.append(f"SELECT {words[from_at + 1]}")
    return named


async def test_an_onboarding_answer_reads_the_user_and_the_conversation_in_one_select_on_sqlite(
        harness: Harness) -> None:
    typed, pressed = await answers_counted(harness, 8_801)
    assert kinds(typed) == [
        "INSERT received_updates",  # the inbox stores it
        "INSERT received_updates",  # the update's transaction claims it
        "SELECT claimed",  # the user's row and the FSM record, in one SELECT
        "SELECT teacher_profiles",
        "UPDATE teacher_profiles",
        "INSERT fsm_records",
        "INSERT outbox",
        "DELETE outbox",  # sent
    ]
    assert kinds(pressed) == [
        "INSERT received_updates", "INSERT received_updates", "SELECT claimed",
        "SELECT teacher_profiles",  # with whether a submitted application freezes the answer
        "UPDATE teacher_profiles", "INSERT fsm_records", "INSERT outbox", "DELETE outbox",
    ]


async def test_an_onboarding_answer_claims_and_reads_in_one_round_trip_and_one_transaction_on_postgresql(
        pg_harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    # BEGIN and COMMIT go through asyncpg's simple-query `execute` (the statements are prepared ones).
    simple: list[str] = []
    plain_execute = asyncpg.Connection.execute

    async def execute(self: asyncpg.Connection, query: str, *args: Any, **kwargs: Any) -> str:
        simple.append(query.split()[0].rstrip(";").upper())
        return await plain_execute(self, query, *args, **kwargs)

    typed, pressed = await answers_counted(pg_harness, 8_802)
    monkeypatch.setattr(asyncpg.Connection, "execute", execute)
    with counted(pg_harness) as again:
        await delivered(pg_harness, text_update(8_802, "Karaganda city"))  # the district, typed
    assert simple == ["BEGIN", "COMMIT"]  # the inbox's store and the outbox's delete are autocommitted
    assert kinds(typed) == [
        "INSERT received_updates",  # the inbox stores it
        "WITH claimed (inbox claim, user, FSM record)",  # one round trip for the three
        "SELECT teacher_profiles",
        "UPDATE teacher_profiles",
        "INSERT fsm_records",
        "INSERT outbox",
        "DELETE outbox",
    ]
    assert kinds(pressed) == [
        "INSERT received_updates", "WITH claimed (inbox claim, user, FSM record)",
        "SELECT teacher_profiles", "UPDATE teacher_profiles", "INSERT fsm_records",
        "INSERT outbox", "DELETE outbox",
    ]
    assert kinds(again) == ["INSERT received_updates", "WITH claimed (inbox claim, user, FSM record)",
                            "SELECT teacher_profiles", "INSERT outbox", "DELETE outbox"]
