"""The order assigning the categories on a session's protocol (§12): each step re-checks that the presser is
the session's secretary or an administrator, and that its certificates still wait for the order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.refusal import StaleButton
from bot.text_input import max_length
from features.commission.session.service import SessionService, TryAgain
from scoring.i18n import N_, Phrase
from storage.commission_models import Commission, CommissionSession

LIMITS = {"number": (1, max_length(CommissionSession.order_number)),
          "issuer": (3, max_length(CommissionSession.order_issuer)),
          "signatory": (3, max_length(CommissionSession.order_signatory))}


@dataclass(frozen=True)
class OrderStep:
    """A step answered: the session, the text or date taken, and what the commission's previous order said
    for the next step (offered "as before")."""

    session: CommissionSession
    value: str
    previous: str | None = None


def typed_text(field: str, typed: str) -> str:
    """The typed text with its spaces collapsed, when its length fits the column; asked again otherwise."""
    text = " ".join(typed.split())
    low, high = LIMITS[field]
    if not low <= len(text) <= high:
        raise TryAgain(Phrase(N_("Please send it as text, {min} to {max} characters (this was {n})."),
                              {"min": low, "max": high, "n": len(text)}))
    return text


class OrderService:
    def __init__(self, sessions: SessionService, user_id: int, is_admin: bool):
        self.sessions = sessions
        self.user_id = user_id
        self.is_admin = is_admin

    async def target(self, session_id: int) -> tuple[CommissionSession, Commission]:
        return await self.sessions.order_target(self.user_id, session_id, self.is_admin)

    async def _previous(self, c: Commission, field: str) -> str | None:
        last = await self.sessions.last_order(c)
        value = getattr(last, f"order_{field}", None) if last is not None else None
        return value or None

    async def number(self, session_id: int, typed: str) -> OrderStep:
        s, _c = await self.target(session_id)
        return OrderStep(s, typed_text("number", typed))

    async def day(self, session_id: int, typed: str) -> OrderStep:
        s, c = await self.target(session_id)
        return OrderStep(s, self.sessions.order_day(s, typed).isoformat(), await self._previous(c, "issuer"))

    async def issuer(self, session_id: int, typed: str) -> OrderStep:
        s, c = await self.target(session_id)
        return OrderStep(s, typed_text("issuer", typed), await self._previous(c, "signatory"))

    async def signatory(self, session_id: int, typed: str) -> OrderStep:
        s, _c = await self.target(session_id)
        return OrderStep(s, typed_text("signatory", typed))

    async def as_before(self, session_id: int, field: str) -> OrderStep:
        """The issuer or signatory of the commission's previous order, with one tap."""
        s, c = await self.target(session_id)
        value = await self._previous(c, field)
        if value is None:
            raise StaleButton()
        return OrderStep(s, value, await self._previous(c, "signatory") if field == "issuer" else None)

    async def record(self, session_id: int, number: str, when: date, issuer: str,
                     signatory: str) -> tuple[CommissionSession, Commission]:
        s, c = await self.target(session_id)
        await self.sessions.record_order(s, number, when, issuer, signatory)
        return s, c


