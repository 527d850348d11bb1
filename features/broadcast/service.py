"""Admin broadcasts: who a segment reaches, queueing a composed broadcast, its status and its controls.

Delivery itself is the BroadcastSender's (features/broadcast/sender.py); this service only writes the
queue and the broadcast's status, which the sender reads.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.refusal import Refusal
from scoring.i18n import N_, Phrase
from storage.broadcast_models import Broadcast
from storage.broadcast_repository import BroadcastRepository

RECENT = 5  # /broadcast_status shows the newest broadcast and the ones before it, this many in all


@dataclass(frozen=True)
class Draft:
    """A composed broadcast: both texts and the segment (`value` for a region, district, organisation…)."""

    text_kk: str
    text_ru: str
    kind: str
    value: str | None
    paid: bool = False


@dataclass(frozen=True)
class Estimate:
    """What a broadcast to `count` recipients takes at the free rate, and at the paid rate and its cost."""

    count: int
    free_rate: float
    paid_rate: float
    stars_per_message: float

    @property
    def free_seconds(self) -> float:
        return self.count / self.free_rate

    @property
    def paid_seconds(self) -> float:
        return self.count / self.paid_rate

    @property
    def paid_stars(self) -> int:
        """Every message of a paid broadcast is charged (Bot API, allow_paid_broadcast): rounded up."""
        return math.ceil(round(self.count * self.stars_per_message, 6))


@dataclass(frozen=True)
class Progress:
    """A broadcast and its recipients' counts per status; `changed`: the control button took effect."""

    broadcast: Broadcast
    counts: dict[str, int]
    changed: bool = True


@dataclass(frozen=True)
class StatusReport:
    newest: Progress
    older: list[Progress]


class BroadcastService:
    def __init__(self, session: AsyncSession) -> None:
        self.repo = BroadcastRepository(session)

    async def recipients(self, kind: str, value: str | None) -> int:
        return await self.repo.count_segment(kind, value)

    async def queue(self, draft: Draft, *, created_by: int, admin_locale: str, default_locale: str,
                    progress_chat_id: int) -> Broadcast:
        """The broadcast and its recipients, fixed now; the sender posts the progress message itself (it
        needs the message's id to edit it later)."""
        broadcast = await self.repo.create(
            created_by=created_by, admin_locale=admin_locale, text_kk=draft.text_kk, text_ru=draft.text_ru,
            kind=draft.kind, value=draft.value, default_locale=default_locale, paid=draft.paid,
        )
        await self.repo.set_progress_message(broadcast.id, progress_chat_id, None)
        return broadcast

    async def status(self) -> StatusReport | None:
        """The newest broadcasts, the newest first; None when there has been none."""
        latest = await self.repo.latest(RECENT)
        if not latest:
            return None
        progress = [Progress(b, await self.repo.counts(b.id)) for b in latest]
        return StatusReport(progress[0], progress[1:])

    async def pause(self, broadcast_id: int) -> Progress:
        return await self._progress(broadcast_id, await self.repo.pause(broadcast_id))

    async def resume(self, broadcast_id: int) -> Progress:
        return await self._progress(broadcast_id, await self.repo.resume(broadcast_id))

    async def cancel(self, broadcast_id: int, now: datetime | None = None) -> Progress:
        return await self._progress(broadcast_id, await self.repo.cancel(broadcast_id, now or datetime.now(UTC)))

    async def refresh(self, broadcast_id: int) -> Progress:
        return await self._progress(broadcast_id, True)

    async def _progress(self, broadcast_id: int, changed: bool) -> Progress:
        """`changed` is False when the broadcast's status did not allow the control."""
        broadcast = await self.repo.get(broadcast_id)
        if broadcast is None:
            raise Refusal(Phrase(N_("This broadcast no longer exists.")))
        return Progress(broadcast, await self.repo.counts(broadcast_id), changed)
