"""The document of a complaint's outcome (PDF, in the teacher's language), drawn like the commission's documents
(features/commission/documents/render.py: fpdf2 with DejaVu and the fallback fonts the text needs)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from features.appeals.service import Card
from features.appeals.views import REMEDIES, STATUSES, subject_text, yes_no
from features.commission.documents.render import Pdf
from scoring.dates import format_day, format_time
from scoring.i18n import N_
from storage.appeal_models import AppealRemedy, AppealStatus

Translate = Callable[[str], str]


def filename(number: str) -> str:
    return f"complaint-{number.split('-', 1)[-1]}.pdf"


def _at(moment: datetime | None, zone: tzinfo) -> str:
    if moment is None:
        return "—"
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return f"{format_day(aware.astimezone(zone).date())} {format_time(aware, zone)}"


def rows(t: Translate, card: Card, zone: tzinfo) -> list[list[str]]:
    a = card.appeal
    result = [
        [t(N_("Field")), t(N_("Value"))],
        [t(N_("Complaint No.")), a.number],
        [t(N_("Registered on")), format_day(a.registered_on)],
        [t(N_("Applicant")), card.teacher_name],
        [t(N_("Application No.")), card.application_number],
        [t(N_("Commission")), card.commission_name or "—"],
        [t(N_("About")), f"{subject_text(t, a.subject)}, {format_day(a.subject_on)}"],
        [t(N_("Grounds")), a.grounds],
        [t(N_("Files attached")), str(len(card.files))],
        [t(N_("Wished to attend the review")), yes_no(t, a.attend)],
        [t(N_("Forwarded to the quality-control body")), format_day(a.forwarded_on) if a.forwarded_on else "—"],
        [t(N_("Review")), _at(a.review_at, zone)],
        [t(N_("Outcome")), t(STATUSES[AppealStatus(a.status)])],
    ]
    if a.remedy:
        result.append([t(N_("What follows")), t(REMEDIES[AppealRemedy(a.remedy)])])
    if a.reasons:
        result.append([t(N_("Reasons")), a.reasons])
    result.append([t(N_("Decided")), _at(a.decided_at, zone)])
    return result


def outcome_pdf(t: Translate, card: Card, zone: tzinfo, fonts_folder: Path | None = None) -> bytes:
    table = rows(t, card, zone)
    title = t(N_("Outcome of complaint No. {number} (§26)")).format(number=card.appeal.number)
    pdf = Pdf([title, *(cell for row in table for cell in row)], fonts_folder)
    pdf.line(title, size=14, bold=True, align="C", after=4)
    pdf.table(table, widths=(35, 65), size=9)
    pdf.space(6)
    pdf.caption(t(N_("Recorded in the attestation bot by the attestation body; the signed decision on the complaint "
                     "is kept by it.")))
    return pdf.output()
