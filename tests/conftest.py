"""Shared fixtures: a real Dispatcher over a migrated SQLite database and a recording bot session."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage, TelegramMethod
from aiogram.types import CallbackQuery, Chat, Contact, Message, Update, User

from app.factory import Application, create_application
from bot.settings import Settings
from storage.migrate import upgrade
from tests.fakes import RecordingSession
from tests.services import postgres_server

# Telegram numbers a bot's updates once: a harness made again over the same database goes on counting.
_UPDATE_IDS = itertools.count(1)


class Harness:
    """Feeds real Update objects through the real Dispatcher and reads back what the bot sent."""

    def __init__(self, app: Application, bot: Bot, session: RecordingSession):
        self.app = app
        self.bot = bot
        self.session = session
        self._update_ids = _UPDATE_IDS
        self._message_ids = itertools.count(1)

    @staticmethod
    def user(user_id: int, language_code: str | None = None) -> User:
        return User(id=user_id, is_bot=False, first_name=f"User{user_id}", language_code=language_code)

    async def feed(self, update_kwargs: dict[str, Any]) -> list[TelegramMethod[Any]]:
        before = len(self.session.requests)
        await self.app.dispatcher.feed_update(self.bot, Update(update_id=next(self._update_ids), **update_kwargs))
        return self.session.requests[before:]

    def _message(self, user: User, **fields: Any) -> Message:
        return Message(
            message_id=next(self._message_ids), date=datetime.now(UTC),
            chat=Chat(id=user.id, type="private"), from_user=user, **fields,
        )

    async def text(self, user: User, text: str) -> list[TelegramMethod[Any]]:
        entities = None
        if text.startswith("/"):
            from aiogram.types import MessageEntity

            entities = [MessageEntity(type="bot_command", offset=0, length=len(text.split()[0]))]
        return await self.feed({"message": self._message(user, text=text, entities=entities)})

    async def contact(self, user: User, phone: str, owner_id: int | None = None) -> list[TelegramMethod[Any]]:
        contact = Contact(phone_number=phone, first_name=user.first_name, user_id=owner_id or user.id)
        return await self.feed({"message": self._message(user, contact=contact)})

    async def send(self, user: User, **fields: Any) -> list[TelegramMethod[Any]]:
        return await self.feed({"message": self._message(user, **fields)})

    async def press(self, user: User, data: str, message_id: int = 1) -> list[TelegramMethod[Any]]:
        message = Message(message_id=message_id, date=datetime.now(UTC), chat=Chat(id=user.id, type="private"),
                          text="…")
        query = CallbackQuery(id=str(next(self._update_ids)), from_user=user, chat_instance="ci",
                              message=message, data=data)
        return await self.feed({"callback_query": query})


def texts(requests: list[TelegramMethod[Any]]) -> list[str]:
    return [r.text for r in requests if isinstance(r, SendMessage | EditMessageText)]


def alerts(requests: list[TelegramMethod[Any]]) -> list[str]:
    return [r.text or "" for r in requests if isinstance(r, AnswerCallbackQuery)]


def last_markup_data(requests: list[TelegramMethod[Any]]) -> list[str]:
    """callback_data of the inline buttons of the last message that had any."""
    for request in reversed(requests):
        markup = getattr(request, "reply_markup", None)
        if markup is not None and hasattr(markup, "inline_keyboard"):
            return [b.callback_data for row in markup.inline_keyboard for b in row if b.callback_data]
    return []


def settings_for(database_url: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        bot_token="42:TEST-TOKEN",
        database_url=database_url,
        admin_ids=[1],
        default_locale="kk",
    )


async def started(settings: Settings) -> Harness:
    await upgrade(settings.database_url)
    app = create_application(settings)
    session = RecordingSession()
    return Harness(app, Bot(token=settings.token, session=session), session)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_for(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")


@pytest.fixture
async def harness(settings: Settings) -> AsyncIterator[Harness]:
    harness = await started(settings)
    yield harness
    await harness.app.close()


@pytest.fixture
def pg_settings() -> Iterator[Settings]:
    """The same settings on a throwaway PostgreSQL server (tests/services.py), as a region deploys it."""
    with postgres_server() as url:
        yield settings_for(url)


@pytest.fixture
async def pg_harness(pg_settings: Settings) -> AsyncIterator[Harness]:
    harness = await started(pg_settings)
    yield harness
    await harness.app.close()
