"""The dossier in the reader's language: its cover's wording, its buttons and the messages that bring it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiogram.types import InlineKeyboardButton
from aiogram.utils.i18n import gettext as _

from features.dossier.build import CoverItem, Document, Dossier, DossierContent, build
from features.dossier.callbacks import DossierAct, DossierCallback
from features.dossier.service import DossierSource, Gathered, GatheredItem
from scoring.areas import area_name
from scoring.categories import Category, Role
from scoring.dates import format_day, format_day_or_dash
from scoring.documents import ItemState, Source, State, title_of
from scoring.i18n import N_

Translate = Callable[[str], str]

# What each item's state is called on the cover (the checklist's own words where it has them).
STATE_LABELS = {
    State.DONE: N_("provided"),
    State.MISSING: N_("missing"),
    State.ASK: N_("in state systems?"),
    State.OPTIONAL: N_("if any"),
    State.NOT_APPLICABLE: N_("not applicable"),
    State.FETCHED: N_("from state systems"),
}
FROM_PROFILE = N_("filled in from the profile")
IN_STATE_SYSTEMS = N_("in state systems")
OFF_THE_LIST = N_("no longer on the checklist")
PHOTO = N_("photo")


DOSSIER_BUTTON = N_("📑 Dossier (PDF and ZIP)")


def dossier_button(act: DossierAct, application_id: int, t: Translate | None = None) -> InlineKeyboardButton:
    """`t`: the reader's language where the message goes to someone else (a member's ballot)."""
    return InlineKeyboardButton(text=(t or _)(DOSSIER_BUTTON),
                                callback_data=DossierCallback(act=act, application=application_id).pack())


def status_of(state: ItemState | None, t: Translate) -> str:
    if state is None:
        return t(OFF_THE_LIST)
    if state.state is State.DONE and state.item.source is Source.PROFILE:
        return t(FROM_PROFILE)
    if state.state is State.DONE and state.item.source is Source.STATE_OR_UPLOAD and not state.files:
        return t(IN_STATE_SYSTEMS)
    return t(STATE_LABELS[state.state])


def _document(gathered: Gathered, t: Translate) -> Document:
    return Document(gathered.name or t(PHOTO), gathered.kind, gathered.data, gathered.sha256,
                    gathered.problem.render(t) if gathered.problem is not None else None)


def _item(item: GatheredItem, t: Translate) -> CoverItem:
    title = t(item.state.item.title) if item.state is not None else t(title_of(item.item_id))
    return CoverItem(title, status_of(item.state, t), tuple(_document(g, t) for g in item.files))


def _label(value: str | None, labels: type[Category] | type[Role], t: Translate) -> str:
    try:
        return t(labels(value).label) if value else "—"
    except ValueError:
        return value or "—"


def content(source: DossierSource, t: Translate, locale: str) -> DossierContent:
    """The cover's wording: whose application, the claim and its rule set, then every item."""
    profile, app, ruleset = source.profile, source.application, source.ruleset
    number = (app.number or str(app.id)) if app is not None else None
    heading = (t(N_("Dossier of application No. {number}")).format(number=number) if number is not None else
               t(N_("Dossier of the documents prepared for the application (not filed yet)")))
    claimed = (app.claimed_category if app is not None else None) or profile.claimed_category
    facts = (
        t(N_("Full name: {name}")).format(name=profile.full_name or "—"),
        t(N_("Position: {role}")).format(role=_label(profile.role, Role, t)),
        t(N_("Organisation: {org}; {district}")).format(org=profile.org_name or "—",
                                                         district=area_name(profile.area_code, locale) or "—"),
        t(N_("Claimed category: {category}")).format(category=_label(claimed, Category, t)),
        t(N_("Rule set: {title} ({key})")).format(title=ruleset.title, key=ruleset.key),
        t(N_("Registered on: {date}")).format(date=format_day_or_dash(app.registered_on if app else None)),
        t(N_("Prepared on: {date}")).format(date=format_day(source.today)),
    )
    stem = f"dossier-{number}" if number is not None else "dossier-draft"
    return DossierContent(heading, facts, tuple(_item(i, t) for i in source.items), stem.replace("/", "-"))


async def dossier_of(source: DossierSource, t: Translate, locale: str) -> Dossier:
    """Both files, built off the event loop (merging many scans takes a while)."""
    return await asyncio.to_thread(build, content(source, t, locale), t)


def _notes(dossier: Dossier) -> list[str]:
    notes = []
    if dossier.zip_only:
        notes.append(_("Only in the ZIP: {count} (Word files, such as the essay, and files that cannot be read as "
                       "pages); the cover names them.").format(count=dossier.zip_only))
    if dossier.missing:
        notes.append(_("Not included: {count} file(s) of which the bot has no readable copy; the cover names "
                       "them.").format(count=dossier.missing))
    return notes


def own_text(dossier: Dossier, files_in_bot: bool) -> str:
    """The teacher's: where the application is filed decides what the dossier is for."""
    lines = [_("Your dossier: a cover sheet listing every document with its status and SHA-256 checksum, then the "
               "documents themselves ({pages} pages). The ZIP holds the originals.").format(pages=dossier.pages)]
    if not files_in_bot:
        lines.append(_("This is the package you upload to the Ұстаз platform or egov (Rules §15): the PDF dossier, "
                       "and from the ZIP any document the portal asks for on its own."))
    return "\n\n".join([*lines, *_notes(dossier)])


def commission_text(dossier: Dossier) -> str:
    lines = [_("The applicant's dossier: a cover sheet listing every document with its status and SHA-256 "
               "checksum, then the documents themselves ({pages} pages). The ZIP holds the originals.").format(
        pages=dossier.pages)]
    return "\n\n".join([*lines, *_notes(dossier)])


def pdf_caption(dossier: Dossier) -> str:
    return _("Dossier (PDF, {pages} pages)").format(pages=dossier.pages)


def zip_caption() -> str:
    return _("The original documents (ZIP), named in the order of the checklist")


def too_large_text(name: str, size: int, limit: int) -> str:
    return _("{name} is {size} MB, more than Telegram lets a bot send ({limit} MB), so it is not sent. Tell the "
             "administrators: a bot on a local Bot API server can send it.").format(
        name=name, size=round(size / 1024 / 1024, 1), limit=limit // 1024 // 1024)
