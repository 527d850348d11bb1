"""The essay (§27): joining pasted messages, reading a file, counting, storing; the year's topics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.downloads import keep_upload
from bot.i18n import SUPPORTED_LOCALES
from bot.refusal import Refusal
from bot.text_input import normalise
from features.checklist.service import frozen_refusal
from scoring.calendar import academic_year
from scoring.config import Rules
from scoring.essay import (
    DraftLimit,
    EssayFileError,
    EssayVerdict,
    count_words,
    draft_limit,
    essay_verdict,
    is_docx,
    read_essay_bytes,
)
from scoring.i18n import N_, Phrase
from storage.checklist_models import Essay
from storage.checklist_repository import ApplicationRepository, EssayRepository
from storage.files import FileStore, UnacceptedFile, accepted_type
from storage.profile_repository import ProfileRepository

# Essays are a few kilobytes; a larger "essay" file is not one (and the Bot API stops at 20 MB anyway).
MAX_ESSAY_FILE_BYTES = 2 * 1024 * 1024
ESSAY_EXTENSIONS = {".docx": "docx", ".txt": "txt"}
ESSAY_MIME = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "text/plain": "txt",
}


# The topics are listed in the /essay message with its other lines: together they fit one message.
MAX_TOPIC_CHARS = 500
MAX_TOPICS_CHARS = 2500


def essay_file_kind(file_name: str | None, mime: str | None) -> str | None:
    """"docx" or "txt" by the extension (or, without one, the MIME type); None for anything else."""
    if file_name and PurePosixPath(file_name.lower()).suffix:
        return ESSAY_EXTENSIONS.get(PurePosixPath(file_name.lower()).suffix)
    return ESSAY_MIME.get((mime or "").lower())


def join_parts(parts: list[str]) -> str:
    return "\n\n".join(p.strip() for p in parts if p.strip())


NO_CONSENT = Phrase(N_("Send /start first: the essay is part of your application, which needs your consent."))
NOTHING_PASTED = Phrase(N_("Nothing received yet: paste the essay first."))
NOT_AN_ESSAY_FILE = Phrase(N_("Only a .docx or .txt file can be read as the essay (or paste the text)."))
FILE_TOO_LARGE = Phrase(N_("This file is too large for an essay of a few hundred words (over 2 MB). Please send "
                           "the text itself, or a .docx without pictures."))
UNREADABLE_FILE = Phrase(N_("This file cannot be read: send a .docx saved by Word or LibreOffice, or a UTF-8 .txt, "
                            "or paste the text."))
EMPTY_FILE = Phrase(N_("There is no text in this file. Please check it and send it again."))
TOPICS_TOO_LONG = Phrase(N_("Each topic can have at most {each} characters, and all of them together {total} "
                            "(teachers read them in one message). Please shorten them."),
                         {"each": MAX_TOPIC_CHARS, "total": MAX_TOPICS_CHARS})


def other_locale(locale: str) -> str:
    return next(code for code in SUPPORTED_LOCALES if code != locale)


@dataclass(frozen=True)
class Saved:
    essay: Essay
    verdict: EssayVerdict


@dataclass(frozen=True)
class TopicList:
    """The year's topics as a reader sees them: in `locale`, which is hers unless `own` is False (none
    are published in her language yet, so the other language's are shown rather than nothing)."""

    topics: list[str]
    locale: str
    own: bool = True


@dataclass(frozen=True)
class Opening:
    """What /essay tells her before she sends it."""

    min_words: int
    max_words: int
    topics: TopicList
    current: Essay | None


@dataclass(frozen=True)
class Draft:
    """The pasted messages so far; `kept` is False when the last one would make it far too long."""

    parts: list[str]
    words: int
    kept: bool


@dataclass(frozen=True)
class YearTopics:
    """/topics: the topics of academic year `year` (starting in it) in each language."""

    year: int
    by_locale: dict[str, list[str]]


@dataclass(frozen=True)
class Published:
    year: int
    locale: str
    count: int
    other: str  # the other language, and how many topics it has
    other_count: int


class EssayService:
    def __init__(self, session: AsyncSession, rules: Rules, timezone: str = "Asia/Almaty",
                 file_store: FileStore | None = None):
        """`rules`: the teacher's set's (TeacherSets.of): its essay limits (§27); `file_store`: where a .docx
        essay is kept (needed by `save_file`)."""
        self.session = session
        self.file_store = file_store
        self.repo = EssayRepository(session)
        self.profiles = ProfileRepository(session)
        self.applications = ApplicationRepository(session)
        self.rules = rules
        self.tz = ZoneInfo(timezone)

    async def opening(self, user_id: int, now: datetime, locale: str) -> Opening:
        """/essay: refused without consent, and while her submitted application freezes the essay."""
        if await self.profiles.get(user_id) is None:
            raise Refusal(NO_CONSENT)
        frozen = await self.applications.active(user_id)
        if frozen is not None:
            raise Refusal(frozen_refusal(frozen))
        return Opening(self.rules.essay_min, self.rules.essay_max, await self.topics_for(now, locale),
                       await self.current(user_id))

    async def topics_for(self, now: datetime, locale: str) -> TopicList:
        topics = await self.topics(now, locale)
        if topics:
            return TopicList(topics, locale)
        other = other_locale(locale)
        elsewhere = await self.topics(now, other)
        return TopicList(elsewhere, other, own=False) if elsewhere else TopicList([], locale)

    async def year_topics(self, now: datetime) -> YearTopics:
        return YearTopics(self.year_of(now), {code: await self.topics(now, code) for code in SUPPORTED_LOCALES})

    async def publish_topics(self, topics: list[str], locale: str, by: int, now: datetime) -> Published:
        if not topics_fit(topics):
            raise Refusal(TOPICS_TOO_LONG)
        year = await self.set_topics(topics, locale, by, now)
        other = other_locale(locale)
        return Published(year, locale, len(topics), other, len(await self.topics(now, other)))

    def too_long(self, words: int) -> Phrase:
        return Phrase(N_("This is far longer than an essay of {min}–{max} words ({words} words): at most {limit} "
                         "words can be kept as a draft. Please send the essay itself."),
                      {"min": self.rules.essay_min, "max": self.rules.essay_max, "words": words,
                       "limit": self.draft_limit.words})

    def add_part(self, parts: list[str], text: str) -> Draft:
        """One more pasted message, unless it makes the draft too long to keep (the earlier ones stay)."""
        draft = join_parts([*parts, text])
        words = self.verdict(draft).words
        if self.draft_limit.exceeded_by(draft):
            return Draft(parts, words, kept=False)
        return Draft([*parts, text], words, kept=True)

    async def save_pasted(self, user_id: int, parts: list[str], now: datetime) -> Saved:
        text = join_parts(parts)
        if not text:
            raise Refusal(NOTHING_PASTED)
        return await self.save_text(user_id, text, "text", now)

    @staticmethod
    def file_kind(file_name: str | None, mime: str | None, size: int | None) -> str:
        """"docx" or "txt", read before the file is downloaded; anything else is refused."""
        kind = essay_file_kind(file_name, mime)
        if kind is None:
            raise Refusal(NOT_AN_ESSAY_FILE)
        if size is not None and size > MAX_ESSAY_FILE_BYTES:
            raise Refusal(FILE_TOO_LARGE)
        return kind

    async def save_file(self, user_id: int, data: bytes, kind: str, now: datetime) -> Saved:
        """A .docx or .txt essay; a .docx is kept in the file store as well (a .txt is its text alone)."""
        if kind == "docx":
            self.accepted(data)
        try:
            text = self.read_file(data, kind)
        except EssayFileError:
            raise Refusal(UNREADABLE_FILE) from None
        if not text.strip():
            raise Refusal(EMPTY_FILE)
        if self.draft_limit.exceeded_by(text):
            raise Refusal(self.too_long(self.verdict(text).words))
        stored = None
        if kind == "docx":
            assert self.file_store is not None, "an essay file needs the file store"
            stored = await keep_upload(self.session, self.file_store, user_id, data)
        return await self.save_text(user_id, text, kind, now, stored.id if stored else None)

    @staticmethod
    def accepted(data: bytes) -> None:
        """Refused with the file store's reason when the bytes are no document (a renamed program)."""
        try:
            accepted_type(data)
        except UnacceptedFile as unaccepted:
            raise Refusal(unaccepted.reason) from None

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

    async def save_text(self, user_id: int, text: str, source: str, now: datetime,
                        stored_file_id: int | None = None) -> Saved:
        verdict = self.verdict(text)
        essay = await self.repo.save(user_id, text, verdict.words, source, now, stored_file_id)
        return Saved(essay, verdict)

    @staticmethod
    def read_file(data: bytes, kind: str) -> str:
        """Text of an essay file, normalised as typed text is (no NUL or other control characters, which
        PostgreSQL cannot store); raises scoring.essay.EssayFileError when it cannot be read."""
        if kind == "docx" and not is_docx(data):
            raise EssayFileError("not a .docx file")
        return normalise(read_essay_bytes(data))


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


def topics_of_command(args: str, default_locale: str) -> tuple[str, list[str]]:
    """/topics [kk|ru] followed by the topics: their language and the topics (none: list them)."""
    locale, rest = split_language(args, default_locale, SUPPORTED_LOCALES)
    return locale, parse_topics(rest)
