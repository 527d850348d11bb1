"""The progress report as text and as a chart, in the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import Any

from features.stats.service import ProgressReport
from scoring import areas
from scoring.categories import Category
from scoring.dates import format_day
from scoring.i18n import N_
from scoring.regions import region_by_id
from storage.stats_repository import AreaCounts

Translate = Callable[[str], str]
# The chart names this many regions (or districts); the rest are added up in one bar.
CHART_AREAS = 12


def region_name(region_id: str | None, tr: Translate) -> str:
    region = region_by_id(region_id) if region_id else None
    return tr(region.label) if region else tr(N_("region not given"))


def area_name(report: ProgressReport, area: AreaCounts, tr: Translate, locale: str | None = None) -> str:
    if report.districts_of is None:
        return region_name(area.key, tr)
    return areas.area_name(area.key, locale) or tr(N_("district not given"))


def unrouted_lines(report: ProgressReport, tr: Translate, locale: str | None) -> list[str]:
    """Applications no commission serves, per area: what an administrator has to create a commission for."""
    if not report.unrouted:
        return [tr(N_("Reaching no commission: 0"))]
    lines = [tr(N_("⚠️ Reaching no commission: {count} (create one with /commission_new):")).format(
        count=report.unrouted_total)]
    for u in report.unrouted:
        where = areas.area_name(u.area_code, locale) or tr(N_("district not chosen from the list"))
        lines.append(f"• {where} ({region_name(u.region, tr)}): {u.count}")
    return lines


def areas_title(report: ProgressReport, tr: Translate) -> str:
    if report.districts_of is None:
        return tr(N_("By region"))
    return tr(N_("By district: {region}")).format(region=region_name(report.districts_of, tr))


def category_name(value: str, tr: Translate) -> str:
    try:
        return tr(Category(value).label)
    except ValueError:
        return value or "—"


def first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]  # str.capitalize would lower the rest (ПМПК -> Пмпк)


def report_text(report: ProgressReport, tr: Translate, locale: str | None = None) -> str:
    opens, closes = report.window
    lines = [tr(N_("📊 Attestation {year}/{next}, as of {today}")).format(
        year=report.year, next=report.year + 1, today=format_day(report.today))]
    window = tr(N_("Window: {opens} – {closes}")).format(opens=format_day(opens), closes=format_day(closes))
    days = report.days_left
    lines.append(window + ", " + (tr(N_("{days} days left")).format(days=days) if days is not None
                                  else tr(N_("closed now"))))
    lines.append("")
    for stage in report.stages:
        lines.append(tr(N_("{label}: {count} ({share}%)")).format(
            label=first_upper(tr(stage.label)), count=stage.count, share=report.share(stage.count)))
    lines.append(tr(N_("Refused by a commission: {count}")).format(count=report.refused))
    lines.append(tr(N_("Waiting for a secretary to accept or refuse: {count}")).format(count=report.awaiting_review))
    lines.append(tr(N_("Complaints (§26): {open} open, {overdue} of them overdue")).format(
        open=report.appeals_open, overdue=report.appeals_overdue))
    lines += unrouted_lines(report, tr, locale)
    if report.undelivered:
        lines.append(tr(N_("⚠️ Messages the bot could not deliver in the last 7 days (blocked the bot, never "
                           "started it, or Telegram refused): {count}")).format(count=report.undelivered))
    if report.late_commissions:
        late = ", ".join(f"«{name}» {n}" for name, n in sorted(report.late_commissions.items(),
                                                                key=lambda item: (-item[1], item[0])))
        lines.append(tr(N_("⚠️ Waiting longer than 1 working day (§23): {list}")).format(list=late))
    if report.claimed:
        most_first = sorted(report.claimed.items(), key=lambda item: (-item[1], item[0]))
        claimed = ", ".join(f"{category_name(c, tr)} {n}" for c, n in most_first)
        lines += ["", tr(N_("Submitted by claimed category: {list}")).format(list=claimed)]
    if report.areas:
        lines += ["", tr(N_("{areas} (agreed / submitted):")).format(areas=areas_title(report, tr))]
        lines += [f"• {area_name(report, a, tr, locale)}: {a.consented} / {a.submitted}" for a in report.areas]
    if not report.started:
        lines += ["", tr(N_("No teacher has started yet."))]
    return "\n".join(lines)


def chart_areas(report: ProgressReport, tr: Translate, locale: str | None) -> tuple[list[str], list[int], list[int]]:
    """The areas the chart names (the rest added up in one bar): names, who agreed, who submitted."""
    shown = report.areas[:CHART_AREAS]
    rest = report.areas[CHART_AREAS:]
    names = [area_name(report, a, tr, locale) for a in shown]
    agreed = [a.consented for a in shown]
    submitted = [a.submitted for a in shown]
    if rest:
        names.append(tr(N_("the others")))
        agreed.append(sum(r.consented for r in rest))
        submitted.append(sum(r.submitted for r in rest))
    return names, agreed, submitted


def _draw_stages(axes: Any, report: ProgressReport, tr: Translate) -> None:
    labels = [first_upper(tr(stage.label)) for stage in report.stages]
    counts = [stage.count for stage in report.stages]
    bars = axes.barh(labels, counts, color="#2f6db5")
    axes.bar_label(bars, labels=[f"{c} ({report.share(c)}%)" for c in counts], padding=3)
    axes.invert_yaxis()
    axes.set_xlim(0, max([*counts, 1]) * 1.25)
    axes.set_title(tr(N_("Attestation {year}/{next}: where the teachers are")).format(
        year=report.year, next=report.year + 1), loc="left")
    axes.spines[["top", "right"]].set_visible(False)


def _draw_areas(axes: Any, report: ProgressReport, tr: Translate,
                areas: tuple[list[str], list[int], list[int]]) -> None:
    names, agreed, submitted = areas
    if names:
        positions = list(range(len(names)))
        axes.barh([p - 0.2 for p in positions], agreed, height=0.4, color="#9bbbe0",
                  label=tr(N_("agreed to data processing")))
        axes.barh([p + 0.2 for p in positions], submitted, height=0.4, color="#2f6db5",
                  label=tr(N_("application submitted")))
        axes.set_yticks(positions, names)
        axes.invert_yaxis()
        axes.legend(loc="lower right", frameon=False)
    else:
        axes.text(0.5, 0.5, tr(N_("No teacher has started yet.")), ha="center", va="center")
        axes.set_yticks([])
    axes.set_title(areas_title(report, tr), loc="left")
    axes.spines[["top", "right"]].set_visible(False)


def report_chart(report: ProgressReport, tr: Translate, locale: str | None = None) -> bytes:
    """A PNG: the stages as horizontal bars, and per region (or district) who agreed and who submitted."""
    # The object API with the Agg canvas: no pyplot global state, safe to draw from a worker thread.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    areas = chart_areas(report, tr, locale)
    rows = max(len(areas[0]), 1)
    figure = Figure(figsize=(9, 4.2 + 0.32 * rows), dpi=110, layout="constrained")
    FigureCanvasAgg(figure)
    stages_ax, regions_ax = figure.subplots(2, 1, height_ratios=[len(report.stages), rows])
    _draw_stages(stages_ax, report, tr)
    _draw_areas(regions_ax, report, tr, areas)
    buffer = BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
