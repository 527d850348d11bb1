"""Texts and keyboards of /checklist: the board (every item and the progress) and an item's card."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.attestation_callbacks import ChecklistCallback
from features.checklist.service import Checklist
from scoring.categories import Category
from scoring.documents import Item, ItemState, Source, State, formats_label
from storage.checklist_models import UploadedFile

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


def board_keyboard(checklist: Checklist) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for s in checklist.states:
        builder.button(text=f"{ICONS[s.state]} {_(s.item.title)}",
                       callback_data=ChecklistCallback(action="open", item=s.item.id))
    builder.adjust(1)
    return builder.as_markup()


def file_label(f: UploadedFile) -> str:
    name = f.file_name or (_("photo") if f.kind == "photo" else _("file"))
    if f.file_size:
        size = f"{f.file_size / 1024 / 1024:.1f} MB" if f.file_size >= 1024 * 1024 else f"{f.file_size // 1024 + 1} KB"
        return f"{name} ({size})"
    return name


def card_text(checklist: Checklist, s: ItemState, files: list[UploadedFile]) -> str:
    item = s.item
    lines = [f"{ICONS[s.state]} {_(item.title)}", _(item.why), ""]
    if item.source is Source.STATE:
        lines.append(_("Nothing to send: the attestation body receives it from state systems."))
    elif item.source is Source.PROFILE:
        lines.append(_("Filled in from your profile: complete it with /start, review it with /profile."))
    elif item.source is Source.ESSAY:
        lines.append(_("Write or send it with /essay."))
    else:
        lines.append(_("Formats: {formats}.").format(formats=formats_label(item.formats)) + " " + (
            _("Several files allowed.") if item.multiple else _("One file.")))
        lines.append(_("Required.") if not item.optional else _("Only if you have it."))
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
        for f in files:
            builder.button(text=f"✖ {file_label(f)}",
                           callback_data=ChecklistCallback(action="rm", item=item.id, arg=str(f.id)))
        if files:
            builder.button(text=_("🔁 Replace all"), callback_data=ChecklistCallback(action="clear", item=item.id))
        if item.source is Source.STATE_OR_UPLOAD and not files:
            builder.button(text=_("🏛 Yes, it is in state systems"),
                           callback_data=ChecklistCallback(action="ss", item=item.id, arg="1"))
            builder.button(text=_("📎 No, I will send it"),
                           callback_data=ChecklistCallback(action="ss", item=item.id, arg="0"))
        if item.optional and not files:
            if s.state is State.NOT_APPLICABLE:
                builder.button(text=_("↩️ It applies to me"),
                               callback_data=ChecklistCallback(action="na", item=item.id, arg="0"))
            else:
                builder.button(text=_("🚫 Not applicable"),
                               callback_data=ChecklistCallback(action="na", item=item.id, arg="1"))
    builder.button(text=_("✅ Done") if item.uploadable else _("⬅️ Back to the list"),
                   callback_data=ChecklistCallback(action="back"))
    builder.adjust(1)
    return builder.as_markup()


def done_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Done"), callback_data=ChecklistCallback(action="back"))
    return builder.as_markup()
