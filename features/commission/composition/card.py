"""The commission card /commissions shows: its composition, what it still lacks, and what the reader may do."""

from __future__ import annotations

from dataclasses import dataclass

from features.commission.composition.service import AREA_LEVELS, CommissionService
from features.commission.session.service import SessionService
from scoring.i18n import Phrase
from storage.commission_models import Commission, CommissionMember, CommissionSession


@dataclass(frozen=True)
class CommissionCard:
    commission: Commission
    members: list[CommissionMember]
    missing: list[Phrase]  # empty: the commission is valid
    for_admin: bool  # invites, the chair's record, removing members, the area
    awaiting_order: list[CommissionSession]  # closed sessions waiting for the order (admins)
    may_elect_chair: bool  # the reader is a member and no chair is elected yet

    @property
    def area_from_list(self) -> bool:
        return self.commission.level in AREA_LEVELS


async def commission_card(svc: CommissionService, c: Commission, reader: int, is_admin: bool) -> CommissionCard:
    members = await svc.members(c)
    orders = await SessionService(svc.session, svc).awaiting_order(c) if is_admin else []
    elects = any(m.user_id == reader for m in members) and not any(m.is_chair for m in members)
    return CommissionCard(c, members, await svc.missing(c), is_admin, orders, elects)


async def visible_cards(svc: CommissionService, reader: int, is_admin: bool) -> list[CommissionCard]:
    """The cards of the commissions the reader belongs to (as member or secretary), or all for an admin."""
    return [await commission_card(svc, c, reader, is_admin) for c in await svc.visible_to(reader, is_admin)]

