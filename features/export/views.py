"""The export in the admin's language: its columns, each application's cells, the summary sheet and the messages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from features.export.callbacks import ExportAct, ExportCallback
from features.export.service import ExportRow
from features.stats.service import ProgressReport
from features.stats.views import area_name, areas_title, category_name, chart_areas, first_upper, region_name
from scoring import areas
from scoring.categories import Role, TeachingPost
from scoring.commission import Decision
from scoring.dates import format_day
from scoring.i18n import N_

Translate = Callable[[str], str]
Cell = str | float | date | None


class Kind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"


@dataclass(frozen=True)
class Column:
    title: str  # a msgid
    width: float  # in characters, as Excel measures a column
    kind: Kind = Kind.TEXT


COLUMNS: tuple[Column, ...] = (
    Column(N_("Application No."), 14),
    Column(N_("Region"), 26),
    Column(N_("District"), 24),
    Column(N_("Organisation"), 40),
    Column(N_("Position"), 22),
    Column(N_("Post"), 30),
    Column(N_("Claimed category"), 24),
    Column(N_("Stage"), 28),
    Column(N_("Self-assessment total"), 12, Kind.NUMBER),
    Column(N_("Commission"), 30),
    Column(N_("Decision"), 34),
    Column(N_("Category assigned"), 24),
    Column(N_("Submitted"), 12, Kind.DATE),
    Column(N_("Registered"), 12, Kind.DATE),
    Column(N_("Accepted or refused by the secretary"), 14, Kind.DATE),
    Column(N_("Decided"), 12, Kind.DATE),
    Column(N_("Withdrawn"), 12, Kind.DATE),
)


def headers(tr: Translate) -> list[str]:
    return [tr(column.title) for column in COLUMNS]


def _label(value: str | None, labels: type[Role] | type[TeachingPost] | type[Decision], tr: Translate) -> str | None:
    if not value:
        return None
    try:
        return first_upper(tr(labels(value).label))
    except ValueError:  # a code of an older version of the bot: shown as stored
        return value


def _category(value: str | None, tr: Translate) -> str | None:
    return first_upper(category_name(value, tr)) if value else None


def row_cells(row: ExportRow, tr: Translate, locale: str | None) -> list[Cell]:
    """One application's cells, in the order of COLUMNS."""
    return [
        row.number, region_name(row.region, tr), areas.area_name(row.area_code, locale), row.organisation,
        _label(row.role, Role, tr), _label(row.teaching_post, TeachingPost, tr), _category(row.claimed_category, tr),
        first_upper(tr(row.stage.label)),
        row.self_assessment.total() if row.self_assessment is not None else None, row.commission,
        _label(row.decision, Decision, tr), _category(row.assigned_category, tr),
        row.submitted_on, row.registered_on, row.reviewed_on, row.decided_on, row.withdrawn_on,
    ]


def sheet_name_of(region: str | None, tr: Translate) -> str:
    """The region a sheet holds, before it is made a valid sheet title (workbook.sheet_titles)."""
    return region_name(region, tr)


@dataclass(frozen=True)
class Summary:
    """The summary sheet: the /stats figures and the data of its chart, translated."""

    title: str
    window: str
    stages_header: tuple[str, str, str]
    stages: list[tuple[str, int, int]]  # label, count, share of those who started (%)
    figures: list[tuple[str, int]]
    claimed_header: tuple[str, str]
    claimed: list[tuple[str, int]]
    areas_header: tuple[str, str, str]
    areas: list[tuple[str, int, int]]  # every area: agreed, submitted
    stages_chart_title: str
    areas_chart_title: str
    chart_areas: list[tuple[str, int, int]]  # the areas /stats's chart names, the rest added up


def summary(report: ProgressReport, tr: Translate, locale: str | None) -> Summary:
    opens, closes = report.window
    agreed, submitted = tr(N_("agreed to data processing")), tr(N_("application submitted"))
    names, agreed_counts, submitted_counts = chart_areas(report, tr, locale)
    return Summary(
        title=tr(N_("📊 Attestation {year}/{next}, as of {today}")).format(
            year=report.year, next=report.year + 1, today=format_day(report.today)),
        window=tr(N_("Window: {opens} – {closes}")).format(opens=format_day(opens), closes=format_day(closes)),
        stages_header=(tr(N_("Stage")), tr(N_("Teachers")), tr(N_("Share of those who started, %"))),
        stages=[(first_upper(tr(s.label)), s.count, report.share(s.count)) for s in report.stages],
        figures=[(first_upper(tr(label)), count) for label, count in (
            (N_("refused by a commission"), report.refused),
            (N_("waiting for a secretary to accept or refuse"), report.awaiting_review),
            (N_("reaching no commission"), report.unrouted_total),
            (N_("messages the bot could not deliver in the last 7 days"), report.undelivered))],
        claimed_header=(tr(N_("Submitted by claimed category")), tr(N_("Applications"))),
        claimed=[(first_upper(category_name(c, tr)), n)
                 for c, n in sorted(report.claimed.items(), key=lambda i: (-i[1], i[0]))],
        areas_header=(areas_title(report, tr), first_upper(agreed), first_upper(submitted)),
        areas=[(area_name(report, a, tr, locale), a.consented, a.submitted) for a in report.areas],
        stages_chart_title=tr(N_("Attestation {year}/{next}: where the teachers are")).format(
            year=report.year, next=report.year + 1),
        areas_chart_title=tr(N_("{areas} (agreed / submitted):")).format(areas=areas_title(report, tr)).rstrip(":"),
        chart_areas=list(zip(names, agreed_counts, submitted_counts, strict=True)),
    )


def summary_title(tr: Translate) -> str:
    return tr(N_("Summary"))


def progress_text(tr: Translate, done: int, total: int) -> str:
    return tr(N_("⏳ Preparing the export: {done} of {total} applications…")).format(done=done, total=total)


def done_text(tr: Translate, count: int) -> str:
    return tr(N_("✅ The export is ready: {count} applications.")).format(count=count)


def caption(tr: Translate, year: int, count: int, csv: bool) -> str:
    text = (N_("Applications {year}/{next}: {count} (CSV: UTF-8, columns separated by semicolons).") if csv else
            N_("Applications {year}/{next}: {count}. One sheet per region, and a summary with the /stats figures."))
    return tr(text).format(year=year, next=year + 1, count=count)


def csv_keyboard(tr: Translate) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
        text=tr(N_("The same rows as CSV")), callback_data=ExportCallback(act=ExportAct.CSV).pack())]])


def failed_text(tr: Translate) -> str:
    return tr(N_("⚠️ The export could not be prepared, and nothing was sent. Please try /export again later; "
                 "the error has been logged for the operator."))


def too_large_text(tr: Translate, size_mb: float, limit_mb: int) -> str:
    return tr(N_("⚠️ The export is {size} MB, more than the {limit} MB a bot may send through this Bot API "
                 "server. A local Bot API server (BOT_API_URL) accepts larger files.")).format(
        size=f"{size_mb:.1f}", limit=limit_mb)


def interrupted_text(tr: Translate) -> str:
    return tr(N_("⚠️ The export was interrupted because the bot is stopping. Please send /export again."))
