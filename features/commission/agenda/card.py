"""The applicant's card the secretary reviews: profile, checklist, files, essay, self-assessment."""

from __future__ import annotations

from collections.abc import Callable

from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from features.checklist.service import ChecklistService
from features.commission.composition.service import CommissionService
from features.self_assessment.service import SelfAssessmentService, setting_of
from scoring.areas import area_name
from scoring.categories import Category, Role
from scoring.dates import format_day_or_dash
from scoring.documents import title_of
from scoring.i18n import N_
from scoring.rulesets import RuleSet
from storage.checklist_models import UploadedFile
from storage.checklist_repository import ChecklistRepository, EssayRepository
from storage.commission_models import ApplicationReview
from storage.profile_models import TeacherProfile


def _label(value: str | None, labels: type[Category] | type[Role]) -> str:
    try:
        return _(labels(value).label) if value else "—"
    except ValueError:
        return value or "—"


async def submitted_files(svc: CommissionService, review: ApplicationReview) -> list[UploadedFile]:
    """The files frozen in the application's snapshot, re-sent by their Telegram file_id."""
    return await submitted_files_of(svc, review.application_id, review.user_id)


async def submitted_files_of(svc: CommissionService, application_id: int, user_id: int) -> list[UploadedFile]:
    app = await svc.application(application_id)
    snapshot = (app.snapshot or {}) if app else {}
    wanted = {fid for ids in (snapshot.get("files") or {}).values() for fid in ids}
    return [f for f in await ChecklistRepository(svc.session).files(user_id) if f.file_id in wanted]


def file_caption(t: Callable[[str], str], item_id: str, applicant: str | None) -> str:
    """A file of an application as its reader sees it: the checklist item's name in their language, and whose."""
    return t(N_("{item}: {applicant}")).format(item=t(title_of(item_id)), applicant=applicant or "—")


async def self_assessment_line(svc: CommissionService, profile: TeacherProfile, ruleset: RuleSet) -> str:
    """Her self-assessment scored by her application's set (its sheets and thresholds)."""
    setting = setting_of(profile)
    if setting is None or setting.claimed is None:
        return _("Self-assessment: not filled in.")
    service = SelfAssessmentService(svc.session, ruleset)
    row = await service.latest(profile.user_id, setting)
    if row is None or row.sheet_id not in ruleset.sheets:
        return _("Self-assessment: not filled in.")
    evaluation = service.evaluate(row)
    threshold = evaluation.sheet.thresholds.get(setting.claimed)
    return _("Self-assessment: {total} points; threshold for {category}: {threshold}.").format(
        total=float(evaluation.total), category=_(setting.claimed.label),
        threshold="—" if threshold is None else threshold)


async def card(svc: CommissionService, review: ApplicationReview) -> str:
    app = await svc.application(review.application_id)
    profile = await svc.profile(review.user_id)
    if profile is None:
        return _("The applicant has erased their data (/delete_me).")
    lines = [
        _("Application No. {number}").format(number=(app.number if app else None) or review.application_id),
        _("Full name: {name}").format(name=profile.full_name or "—"),
        _("Position: {role}").format(role=_label(profile.role, Role)),
        _("Organisation: {org}; {district}").format(
            org=profile.org_name or "—", district=area_name(profile.area_code, get_i18n().current_locale) or "—"),
        _("Experience: {years} years").format(years=profile.experience_years if profile.experience_years is not None
                                              else "—"),
        _("Current category: {category}").format(category=_label(profile.current_category, Category)),
        _("Claimed category: {category}").format(
            category=_label((app.claimed_category if app else None) or profile.claimed_category, Category)),
        _("Registered on: {date}").format(
            date=format_day_or_dash(app.registered_on if app else None)),
    ]
    ruleset = await svc.ruleset_of(review.application_id)
    checklist = await ChecklistService(svc.session, ruleset).load(review.user_id)
    if checklist is not None:
        lines.append(_("Checklist: {done} of {total} required documents").format(
            done=checklist.progress.done, total=checklist.progress.total))
    lines.append(_("Files submitted: {count}").format(count=len(await submitted_files(svc, review))))
    essay = await EssayRepository(svc.session).get(review.user_id)
    if essay is None:
        lines.append(_("Essay: none"))
    else:
        lines.append(_("Essay ({words} words, §27 asks {low}–{high}):").format(
            words=essay.words, low=svc.rules.essay_min, high=svc.rules.essay_max))
        lines.append(essay.text[:3000])
    lines.append(await self_assessment_line(svc, profile, ruleset))
    return "\n".join(lines)
