"""The essay (§27): joining pasted messages, reading a file, counting, storing; the year's topics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.text_input import normalise
from scoring.calendar import academic_year
from scoring.config import Rules, default_rules
from scoring.essay import DraftLimit, EssayVerdict, count_words, draft_limit, essay_verdict, is_docx, read_essay_bytes
from storage.checklist_models import Essay
from storage.checklist_repository import EssayRepository

# Essays are a few kilobytes; a larger "essay" file is not one (and the Bot API stops at 20 MB anyway).
MAX_ESSAY_FILE_BYTES = 2 * 1024 * 1024
ESSAY_EXTENSIONS = {".docx": "docx", ".txt": "txt"}
ESSAY_MIME = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "text/plain": "txt",
}


def essay_file_kind(file_name: str | None, mime: str | None) -> str | None:
    """"docx" or "txt" by the extension (or, without one, the MIME type); None for anything else."""
    if file_name and PurePosixPath(file_name.lower()).suffix:
        return ESSAY_EXTENSIONS.get(PurePosixPath(file_name.lower()).suffix)
    return ESSAY_MIME.get((mime or "").lower())


def join_parts(parts: list[str]) -> str:
    return "\n\n".join(p.strip() for p in parts if p.strip())


@dataclass(frozen=True)
class Saved:
    essay: Essay
    verdict: EssayVerdict


class EssayService:
    def __init__(self, session: AsyncSession, rules: Rules | None = None, timezone: str = "Asia/Almaty"):
        self.repo = EssayRepository(session)
        self.rules = rules or default_rules()
        self.tz = ZoneInfo(timezone)

    def year_of(self, now: datetime) -> int:
        return academic_year(now.astimezone(self.tz).date())

    async def current(self, user_id: int) -> Essay | None:
        return await self.repo.get(user_id)

    async def topics(self, now: datetime, locale: str) -> list[str]:
        """This academic year's topics in `locale` ("kk" or "ru")."""
        return await self.repo.topics(self.year_of(now), locale)

    async def set_topics(self, topics: list[str], locale: str, by: int, now: datetime) -> int:
        year = self.year_of(now)
        await self.repo.set_topics(year, locale, topics, by, now)
        return year

    @property
    def draft_limit(self) -> DraftLimit:
        return draft_limit(self.rules)

    def verdict(self, text: str) -> EssayVerdict:
        return essay_verdict(count_words(text), self.rules)

    async def save_text(self, user_id: int, text: str, source: str, now: datetime) -> Saved:
        verdict = self.verdict(text)
        essay = await self.repo.save(user_id, text, verdict.words, source, now)
        return Saved(essay, verdict)

    @staticmethod
    def read_file(data: bytes, kind: str) -> str:
        """Text of an essay file, normalised as typed text is (no NUL or other control characters, which
        PostgreSQL cannot store); raises scoring.essay.EssayFileError when it cannot be read."""
        if kind == "docx" and not is_docx(data):
            from scoring.essay import EssayFileError

            raise EssayFileError("not a .docx file")
        return normalise(read_essay_bytes(data))


# The topics are listed in the /essay message with its other lines: together they fit one message.
MAX_TOPIC_CHARS = 500
MAX_TOPICS_CHARS = 2500


def topics_fit(topics: list[str]) -> bool:
    return all(len(t) <= MAX_TOPIC_CHARS for t in topics) and sum(map(len, topics)) <= MAX_TOPICS_CHARS


def split_language(text: str, default: str, locales: tuple[str, ...]) -> tuple[str, str]:
    """A leading language code ("kk" or "ru", alone on the first line or before the topics) and the rest;
    without one, `default`."""
    head, _sep, rest = text.strip().partition("\n")
    first, _space, after = head.strip().partition(" ")
    if first.lower() in locales:
        return first.lower(), f"{after}\n{rest}".strip()
    return default, text


def parse_topics(text: str) -> list[str]:
    """One topic per line; list marks ("1.", "-", "•") and blank lines dropped."""
    topics = []
    for line in text.splitlines():
        value = line.strip().lstrip("-•*–—").strip()
        head, _sep, rest = value.partition(" ")
        if rest and head.rstrip(".)").isdigit() and head[-1:] in ".)":
            value = rest.strip()
        if value:
            topics.append(value)
    return topics
