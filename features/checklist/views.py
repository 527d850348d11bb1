"""Texts and keyboards of /checklist: the board (every item and the progress) and an item's card."""

from __future__ import annotations

from enum import StrEnum

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import render
from features.checklist.callbacks import ChecklistAct, ChecklistCallback
from features.checklist.service import AddResult, Attached, Checklist, Incoming, frozen_refusal
from features.miniapp.links import checklist_button
from scoring.categories import Category
from scoring.documents import Item, ItemState, Source, State, formats_label
from storage.checklist_models import Application, UploadedFile

ICONS = {
    State.DONE: "✅",
    State.MISSING: "❌",
    State.ASK: "❓",
    State.OPTIONAL: "➖",
    State.NOT_APPLICABLE: "🚫",
    State.FETCHED: "🏛",
}


def state_note(s: ItemState) -> str:
    if s.state is State.FETCHED:
        return _("from state systems")
    if s.state is State.ASK:
        return _("in state systems?")
    if s.state is State.OPTIONAL:
        return _("if any")
    if s.state is State.NOT_APPLICABLE:
        return _("not applicable")
    if s.state is State.DONE and s.item.source is Source.STATE_OR_UPLOAD and not s.files:
        return _("in state systems")
    if s.files:
        return _("files: {n}").format(n=s.files)
    return ""


def progress_line(checklist: Checklist) -> str:
    return _("Progress: {done} of {total} required documents").format(
        done=checklist.progress.done, total=checklist.progress.total
    )


def frozen_line(checklist: Checklist) -> str | None:
    if checklist.frozen is None:
        return None
    return _("🔒 Application No. {number} is submitted: the documents are frozen. To change them, /withdraw it "
             "first (only while the window is open).").format(number=checklist.frozen.number)


def board_text(checklist: Checklist) -> str:
    claimed = checklist.doc_profile.claimed
    header = _("📋 Documents for attestation")
    if claimed is not None:
        header += f" — {_(Category(claimed).label)}"
    lines = [header, ""]
    for s in checklist.states:
        note = state_note(s)
        lines.append(f"{ICONS[s.state]} {_(s.item.title)}" + (f" — {note}" if note else ""))
    lines += ["", progress_line(checklist)]
    frozen = frozen_line(checklist)
    if frozen:
        lines += ["", frozen]
    elif checklist.progress.complete:
        lines += ["", _("Everything required is in place: next, /submit.")]
    else:
        lines += ["", _("Tap an item to see what it is and to send its files.")]
    return "\n".join(lines)


def board_keyboard(checklist: Checklist, page_url: str | None = None) -> InlineKeyboardMarkup:
    """Every item's button; with `page_url` (WEBAPP_URL set), the Mini App's checklist page first."""
    builder = InlineKeyboardBuilder()
    if page_url is not None:
        builder.row(checklist_button(page_url))
    for s in checklist.states:
        builder.row(InlineKeyboardButton(text=f"{ICONS[s.state]} {_(s.item.title)}", callback_data=ChecklistCallback(
            action=ChecklistAct.OPEN, item=s.item.id).pack()))
    return builder.as_markup()


def link_refused_text() -> str:
    return _("This link opens an item of your checklist, and this one is not on it any more. Open /checklist.")


def file_label(f: UploadedFile) -> str:
    name = f.file_name or (_("photo") if f.kind == "photo" else _("file"))
    if f.file_size:
        size = f"{f.file_size / 1024 / 1024:.1f} MB" if f.file_size >= 1024 * 1024 else f"{f.file_size // 1024 + 1} KB"
        return f"{name} ({size})"
    return name


def card_text(checklist: Checklist, s: ItemState, files: list[UploadedFile]) -> str:
    item = s.item
    lines = [f"{ICONS[s.state]} {_(item.title)}", render(s.help), ""]
    if item.source is Source.STATE:
        lines.append(_("Nothing to send: the attestation body receives it from state systems."))
    elif item.source is Source.PROFILE:
        lines.append(_("Filled in from your profile: complete it with /start, review it with /profile."))
    elif item.source is Source.ESSAY:
        lines.append(_("Write or send it with /essay."))
    else:
        lines.append(_("Formats: {formats}.").format(formats=formats_label(item.formats)) + " " + (
            _("Several files allowed.") if item.multiple else _("One file.")))
        lines.append(_("Required.") if not s.optional else _("Only if you have it."))
        if item.source is Source.STATE_OR_UPLOAD:
            lines.append(_("Is it in the state information systems? If it is, nothing needs to be sent."))
        if files:
            lines += ["", _("Files:")]
            lines += [f"{n}. {file_label(f)}" for n, f in enumerate(files, 1)]
        if checklist.frozen is None:
            lines += ["", _("Send the file(s) now, as a document or a photo, then press ✅ Done.")]
    frozen = frozen_line(checklist)
    if frozen:
        lines += ["", frozen]
    return "\n".join(lines)


def card_keyboard(checklist: Checklist, s: ItemState, files: list[UploadedFile]) -> InlineKeyboardMarkup:
    item: Item = s.item
    builder = InlineKeyboardBuilder()
    if checklist.frozen is None and item.uploadable:
        for text, data in _change_buttons(s, files):
            builder.button(text=text, callback_data=data)
    builder.button(text=_("✅ Done") if item.uploadable else _("⬅️ Back to the list"),
                   callback_data=ChecklistCallback(action=ChecklistAct.BACK))
    builder.adjust(1)
    return builder.as_markup()


def _change_buttons(s: ItemState, files: list[UploadedFile]) -> list[tuple[str, ChecklistCallback]]:
    """The buttons that change an item she can still change: its files, and the answers it asks for."""
    item = s.item

    def on_item(act: ChecklistAct, file: int = 0, yes: bool = False) -> ChecklistCallback:
        return ChecklistCallback(action=act, item=item.id, file=file, yes=yes)

    buttons = [(f"✖ {file_label(f)}", on_item(ChecklistAct.REMOVE, file=f.id)) for f in files]
    if files:
        buttons.append((_("🔁 Replace all"), on_item(ChecklistAct.CLEAR)))
    if item.source is Source.STATE_OR_UPLOAD and not files:
        buttons.append((_("🏛 Yes, it is in state systems"), on_item(ChecklistAct.IN_STATE_SYSTEMS, yes=True)))
        buttons.append((_("📎 No, I will send it"), on_item(ChecklistAct.IN_STATE_SYSTEMS, yes=False)))
    if s.optional and not files:
        if s.state is State.NOT_APPLICABLE:
            buttons.append((_("↩️ It applies to me"), on_item(ChecklistAct.NOT_APPLICABLE, yes=False)))
        else:
            buttons.append((_("🚫 Not applicable"), on_item(ChecklistAct.NOT_APPLICABLE, yes=True)))
    return buttons


def done_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Done"), callback_data=ChecklistCallback(action=ChecklistAct.BACK))
    return builder.as_markup()


def frozen_text(app: Application) -> str:
    return render(frozen_refusal(app))


def tap_an_item_text() -> str:
    return _("Open /checklist and tap the item this file belongs to, then send it again.")


def file_without_item_text() -> str:
    return _("Which document is this? Open /checklist and tap its item first, then send the file again. Nothing "
             "was saved.")


def attached_reply(item: Item, incoming: Incoming, attached: Attached) -> tuple[str, InlineKeyboardMarkup | None]:
    """The answer to a file she sent for `item`, and whether ✅ Done goes with it."""
    title = _(item.title)
    if attached.result is AddResult.REJECTED:
        assert attached.problem is not None
        return render(attached.problem) + "\n" + _("Nothing was saved; «{item}» is still open.").format(
            item=title), None
    if attached.result is AddResult.FROZEN:
        assert attached.frozen is not None
        return frozen_text(attached.frozen), None
    if attached.result is AddResult.DUPLICATE:
        text = _("This file is already attached to «{item}»; it is kept once.").format(item=title)
    elif attached.result is AddResult.FULL:
        text = _("«{item}» takes one file and already has «{name}». To send another, open the item and press "
                 "🔁 Replace all; this file was not saved.").format(item=title, name=file_label(attached.files[0]))
    else:
        text = saved_text(item, incoming.file_name or _("photo"), len(attached.files))
    return text, done_keyboard()


def saved_text(item: Item, name: str, count: int) -> str:
    if item.multiple:
        return _("📎 Saved «{name}» for «{item}» (files: {n}). Send more, or press ✅ Done.").format(
            name=name, item=_(item.title), n=count)
    return _("📎 Saved «{name}» for «{item}». Press ✅ Done.").format(name=name, item=_(item.title))


class Content(StrEnum):
    """What she sent instead of a file, for the answer that says why it cannot be attached."""

    TEXT = "text"
    STICKER = "sticker"
    SOUND = "sound"
    OTHER = "other"


def not_a_file_text(item: Item, content: Content) -> str:
    if content is Content.TEXT:
        text = _("«{item}» is waiting for files ({formats}). Send them, or press ✅ Done.")
    elif content is Content.STICKER:
        text = _("A sticker cannot be attached to «{item}». Send a file ({formats}) as a document or a photo.")
    elif content is Content.SOUND:
        text = _("A voice or audio message cannot be attached to «{item}». Send a file ({formats}) as a document "
                 "or a photo.")
    else:
        text = _("This cannot be attached to «{item}»: stickers, voice notes, videos and other media are not "
                 "documents. Send a file ({formats}) as a document or a photo.")
    return text.format(item=_(item.title), formats=formats_label(item.formats))
