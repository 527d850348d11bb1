"""Who is calling the Mini App's API: Telegram's signed initData, checked with the bot token and its age."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from aiogram.utils.web_app import WebAppInitData, WebAppUser, parse_webapp_init_data, safe_parse_webapp_init_data

SCHEME = "tma"  # Authorization: tma <initData>, as Telegram's own Mini App examples send it
# The page has no other secret to send: anything longer than Telegram's initData ever is is not one.
MAX_INIT_DATA = 8192


class Unauthorized(Exception):
    """No valid initData: missing, forged, expired, or without a user. `reason` is for the log, not shown."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Caller:
    """The Telegram user the initData was signed for (the only one whose data the request may touch)."""

    user_id: int
    language_code: str | None


def init_data_of(header: str | None) -> str:
    """The initData of an `Authorization: tma <initData>` header."""
    scheme, _sep, value = (header or "").partition(" ")
    if scheme.lower() != SCHEME or not value.strip():
        raise Unauthorized("no initData")
    if len(value) > MAX_INIT_DATA:
        raise Unauthorized("initData too long")
    return value.strip()


def verified(init_data: str, token: str, max_age: timedelta, now: datetime | None = None) -> WebAppInitData:
    """The initData once its signature (HMAC with the bot token) and its age are checked."""
    try:
        data = safe_parse_webapp_init_data(token, init_data)
    except ValueError as error:  # a bad signature, or signed data that is not initData's shape
        raise Unauthorized("bad signature" if "signature" in str(error) else "malformed initData") from error
    issued = data.auth_date if data.auth_date.tzinfo else data.auth_date.replace(tzinfo=UTC)
    age = (now or datetime.now(UTC)) - issued
    if age > max_age:
        raise Unauthorized("expired")
    if age < -timedelta(minutes=5):  # issued in the future: the clocks disagree too much to trust it
        raise Unauthorized("issued in the future")
    return data


def caller_of(header: str | None, token: str, max_age: timedelta, now: datetime | None = None) -> Caller:
    """The caller of a request, or Unauthorized."""
    data = verified(init_data_of(header), token, max_age, now)
    user: WebAppUser | None = data.user
    if user is None:
        raise Unauthorized("no user")
    return Caller(user.id, user.language_code)


def unverified_language(header: str | None) -> str | None:
    """The language the (unchecked) initData claims: only to say "unauthorised" in her language."""
    try:
        user = parse_webapp_init_data(init_data_of(header)).user
    except (Unauthorized, ValueError, TypeError):
        return None
    return user.language_code if user is not None else None
