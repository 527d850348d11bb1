"""Texts and keyboards of /essay (the topics, the count of what she sent) and of the admins' /topics."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import SUPPORTED_LOCALES, render
from bot.keyboards import LANGUAGE_NAMES
from features.essay.callbacks import EssayAct, EssayCallback
from features.essay.service import Opening, Published, TopicList, YearTopics
from scoring.essay import EssayVerdict
from scoring.i18n import Phrase


def essay_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Done"), callback_data=EssayCallback(action=EssayAct.DONE))
    builder.button(text=_("✖ Cancel"), callback_data=EssayCallback(action=EssayAct.CANCEL))
    return builder.as_markup()


def verdict_text(v: EssayVerdict) -> str:
    if v.ok:
        return _("✅ Your essay has {words} words: within {min}–{max}. It is saved.").format(
            words=v.words, min=v.min, max=v.max)
    if v.to_add:
        return _("Your essay has {words} words: add {n} more to reach {min} (the essay must be {min}–{max} words). "
                 "It is saved as a draft; send /essay to replace it.").format(
            words=v.words, n=v.to_add, min=v.min, max=v.max)
    return _("Your essay has {words} words: cut {n} to get down to {max} (the essay must be {min}–{max} words). "
             "It is saved as a draft; send /essay to replace it.").format(
        words=v.words, n=v.to_cut, min=v.min, max=v.max)


def numbered(topics: list[str]) -> list[str]:
    return [f"{n}. {t}" for n, t in enumerate(topics, 1)]


def topics_lines(topics: TopicList) -> list[str]:
    if not topics.topics:
        return [_("This year's topics have not been published in the bot yet; ask your methodist.")]
    if topics.own:
        return [_("This year's topics:"), *numbered(topics.topics)]
    return [_("This year's topics have not been published in your language yet; in {language} they are:")
            .format(language=LANGUAGE_NAMES[topics.locale]), *numbered(topics.topics)]


def opening_text(opening: Opening) -> str:
    lines = [_("Essay (§27): {min}–{max} words.").format(min=opening.min_words, max=opening.max_words)]
    lines += ["", *topics_lines(opening.topics)]
    if opening.current is not None:
        lines += ["", _("Your saved essay has {words} words; what you send now replaces it.").format(
            words=opening.current.words)]
    lines += ["", _("Paste the essay as text (several messages are fine) and press ✅ Done, or send it as a .docx "
                    "or .txt file.")]
    return "\n".join(lines)


def received_text(words: int) -> str:
    return _("Received: {words} words so far. Send the next part, or press ✅ Done.").format(words=words)


def part_not_added_text(too_long: Phrase) -> str:
    return render(too_long) + "\n" + _(
        "This message was not added; what you sent before is kept. Press ✅ Done to check it, or ✖ Cancel.")


def stopped_text() -> str:
    return _("Stopped. Your saved essay, if any, is unchanged.")


def not_an_essay_text(is_photo: bool) -> str:
    if is_photo:
        return _("A photo cannot be read as the essay. Paste the text, or send it as a .docx or .txt file.")
    return _("Please paste the essay as text, or send it as a .docx or .txt file.")


def year_topics_text(year_topics: YearTopics, reader_locale: str) -> str:
    """/topics alone: every language's list, and how to set one."""
    lists = []
    for code in SUPPORTED_LOCALES:
        lists += [f"{LANGUAGE_NAMES[code]} ({code}):", *(numbered(year_topics.by_locale[code]) or ["—"]), ""]
    year = year_topics.year
    return (_("Essay topics of {year}/{next}, in each language:").format(year=year, next=year + 1)
            + "\n\n" + "\n".join(lists) + "\n" + _(
                "To set a language's topics, send /topics kk or /topics ru followed by the topics, one per line. "
                "Without the code they are set for your language, {language}.").format(
                language=LANGUAGE_NAMES[reader_locale]))


def published_text(published: Published) -> str:
    return _("Saved {n} essay topics in {language} for {year}/{next}. In {other}: {count} (/topics "
             "{code} followed by the topics sets them).").format(
        n=published.count, language=LANGUAGE_NAMES[published.locale], year=published.year,
        next=published.year + 1, other=LANGUAGE_NAMES[published.other], count=published.other_count,
        code=published.other)
