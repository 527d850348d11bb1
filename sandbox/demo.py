"""Demo data for `python -m sandbox --demo`: the people of a whole attestation and their bot records.

The story: one school in Karaganda (region `karaganda`, the city of Karaganda, KATO 351010000) and the
district commission that attests its teachers for pedagogue-expert (§13). Six teachers at five stages,
from a newcomer to two whose applications are registered and routed to the commission; a seventh, in
Osakarovka district, whose application no commission serves yet (the admin's /stats shows it, and a
commission created for that district receives it); a valid commission
(seven eligible members, a chair they elected, a secretary who is not a member, an order of this academic
year); an admin. Everything goes through the project's own services, with their checks.

The cast is fixed (stable Telegram ids), so the page's links stay the same from run to run. Database
areas are seeded by one function each, listed in DB_SEEDERS; a new area adds its function there. Every
seeder leaves existing rows alone, so `--demo` can be given every time without overwriting what was done
in the sandbox since.

The files the teachers "sent" are small real PDFs. The sandbox server keeps its file index in memory, so
seed_files puts them into its file store on every start under fixed file_ids, the ids the database keeps:
the secretary's «Send the files» works after a restart too.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import create_i18n
from bot.rule_book import RuleBook
from bot.settings import Settings
from features.checklist.service import AddResult, ChecklistService, Incoming, check_upload
from features.commission.composition.service import CommissionService
from features.essay.service import EssayService
from features.self_assessment.service import SelfAssessmentService, setting_of
from features.submission.service import SubmissionService
from sandbox.demo_content import ESSAY_TOPICS, ESSAYS, demo_pdf
from sandbox.files import FileStore
from sandbox.server import BotAPIServer
from scoring.areas import area_name
from scoring.calendar import ACADEMIC_YEAR_START_MONTH, academic_year, is_working_day, previous_working_day
from scoring.categories import Category, CommissionLevel
from scoring.commission import Decision, MemberRole
from scoring.config import default_rules
from scoring.documents import BY_ID
from scoring.regions import region_by_id
from scoring.rulesets import pilot_with
from scoring.sheets import SHEETS
from storage.commission_models import InviteKind
from storage.db import create_engine, create_session_factory
from storage.files.local import LocalFileStore
from storage.files.service import FileStoreService
from storage.migrate import upgrade
from storage.profile_models import TeacherProfile
from storage.profile_repository import ProfileRepository, UserRepository
from storage.reminder_repository import ReminderRepository
from storage.scoring_repository import SelfAssessmentRepository

log = logging.getLogger(__name__)

TIMEZONE = "Asia/Almaty"  # the bot's default (bot/settings.py); the demo's dates are Kazakhstan's


@dataclass(frozen=True)
class Person:
    id: int
    first_name: str
    last_name: str
    language: str  # the Telegram app's language; also the bot language seeded for people with records
    phone: str
    role: str  # teacher | admin | member | secretary
    stage: str = ""  # for teachers: a key of STAGES
    member_role: str = ""  # for members: scoring.commission.MemberRole

    @property
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name}"


# A teacher's stage: what is already in the bot, and what to do next in their tab.
STAGES: dict[str, str] = {
    "": "new: /start from the very beginning",
    "started": "profile begun (name, IIN): /start goes on with it",
    "checklist": "profile done, documents partly sent, no essay: /status (his steps), /submit",
    "ready": "file complete (documents, essay, self-assessment): /submit",
    "submitted": "application submitted, registered, routed to the commission: /status",
    "unrouted": "application submitted, but no commission serves her district yet: /status",
}
FILE_STAGES = ("checklist", "ready", "submitted", "unrouted")  # stages with a checklist in progress or done
COMPLETE_STAGES = ("ready", "submitted", "unrouted")  # every document, the essay and a self-assessment
SUBMITTED_STAGES = ("submitted", "unrouted")

DEMO_ADMIN_ID = 7_000_001
DEMO_SECRETARY_ID = 7_000_201
DEMO_CHAIR_ID = 7_000_301

DEMO_REGION = "karaganda"
DEMO_AREA = "351010000"  # the city of Karaganda (scoring/data/areas.json)
DEMO_DISTRICT = "Караганда"  # its name, for the guide
# The district no commission serves yet: Osakarovka district of Karaganda region.
UNSERVED_AREA = "355600000"
UNSERVED_DISTRICT = "Осакаровский район"
UNSERVED_SCHOOL = "Осакаровская средняя школа №1"
DEMO_SCHOOL = "Школа-гимназия №12"
COMMISSION_NAME = "Аттестационная комиссия отдела образования города Караганды"
COMMISSION_ORDER = "112-к"
COMMISSION_LOCALE = "ru"  # the language of its protocol, extracts and certificates

CAST: tuple[Person, ...] = (
    Person(7_000_101, "Айгуль", "Ахметова", "kk", "+77011230101", "teacher"),
    Person(7_000_102, "Дана", "Сейткали", "ru", "+77011230102", "teacher", "started"),
    Person(7_000_103, "Марат", "Нурланов", "ru", "+77011230103", "teacher", "checklist"),
    Person(7_000_104, "Асель", "Жаксыбекова", "ru", "+77011230104", "teacher", "ready"),
    Person(7_000_105, "Ольга", "Васильева", "ru", "+77011230105", "teacher", "submitted"),
    Person(7_000_106, "Ерлан", "Смагулов", "kk", "+77011230106", "teacher", "submitted"),
    Person(7_000_107, "Сауле", "Бекова", "ru", "+77011230107", "teacher", "unrouted"),
    Person(DEMO_ADMIN_ID, "Ержан", "Администратов", "ru", "+77011230001", "admin"),
    Person(DEMO_SECRETARY_ID, "Гульнара", "Секретарева", "ru", "+77011230201", "secretary"),
    *(
        Person(7_000_300 + n, first, last, lang, f"+7701123{300 + n:04d}", "member", member_role=role)
        for n, (first, last, lang, role) in enumerate((
            ("Бакыт", "Жумабаев", "kk", "teacher"), ("Светлана", "Ким", "ru", "teacher"),
            ("Нурлан", "Омаров", "kk", "methodist"), ("Алия", "Касымова", "kk", "teacher"),
            ("Ирина", "Петренко", "ru", "authority"), ("Серик", "Абенов", "kk", "ngo"),
            ("Жанар", "Тулегенова", "ru", "teacher"),
        ), start=1)
    ),
)
BY_PERSON: dict[int, Person] = {person.id: person for person in CAST}


@dataclass(frozen=True)
class Work:
    """What a person's profile says about them (teachers, and the members the rules look at, §14)."""

    iin: str  # valid: birth date, century/sex digit and check digit agree
    org: str
    experience: int
    current: str  # category held
    claimed: str
    valid_years: int  # the category is valid until 31 May, this many years from now
    email: str
    essay: str = ""  # a key of demo_content.ESSAYS
    area: str = DEMO_AREA  # the KATO code of the district or city she works in


WORK: dict[int, Work] = {
    7_000_102: Work("900521400027", DEMO_SCHOOL, 6, "moderator", "expert", 1, "dana.seitkali@mail.kz"),
    7_000_103: Work("880207350013", DEMO_SCHOOL, 9, "moderator", "expert", 1, "marat.nurlanov@mail.kz"),
    7_000_104: Work("910614401230", DEMO_SCHOOL, 10, "moderator", "expert", 1, "asel.zhaksybekova@mail.kz",
                    "inclusion_ru"),
    7_000_105: Work("870923401230", DEMO_SCHOOL, 9, "moderator", "expert", 1, "olga.vasilyeva@mail.kz",
                    "literacy_ru"),
    7_000_106: Work("850402301238", DEMO_SCHOOL, 11, "moderator", "expert", 1, "erlan.smagulov@mail.kz",
                    "research_kk"),
    7_000_107: Work("890415401232", UNSERVED_SCHOOL, 10, "moderator", "expert", 1, "saule.bekova@mail.kz",
                    "inclusion_ru", UNSERVED_AREA),
    # Teacher-members: at least 10 years and pedagogue-expert or above, valid beyond the term (§14, §15).
    7_000_301: Work("680317301231", "Лицей №1", 24, "master", "master", 4, "bakyt.zhumabayev@mail.kz"),
    7_000_302: Work("750829401235", "Школа-лицей №7", 18, "researcher", "researcher", 3, "svetlana.kim@mail.kz"),
    7_000_304: Work("800112401239", "Гимназия №3", 14, "expert", "expert", 3, "aliya.kassymova@mail.kz"),
    7_000_307: Work("821105401237", "Школа №25", 12, "expert", "expert", 4, "zhanar.tulegenova@mail.kz"),
}

# The documents of each stage: files sent (one small PDF per item), answers given on the checklist.
SENT: dict[str, tuple[str, ...]] = {
    "checklist": ("courses", "category_certificate"),
    "ready": ("courses", "category_certificate", "professional_achievements", "student_achievements",
              "employment_record", "observation_sheets", "knowledge_quality"),
}
SENT["submitted"] = SENT["unrouted"] = SENT["ready"]
IN_STATE_SYSTEMS = ("diploma",)  # "my diploma is in the state information systems"
NOT_APPLICABLE: dict[str, tuple[str, ...]] = {stage: ("retraining",) for stage in COMPLETE_STAGES}

# A self-assessment on the teacher sheet (the JSON format of `python -m scoring evaluate`).
SELF_ASSESSMENT: dict[str, dict[str, object]] = {
    "1.1": {"level": "growth_1_2"},
    "2.1": {"level": "region", "winner": True},
    "2.2": {"level": "district"},
    "3.1": {"level": "region", "count": 2},
    "3.2": {"level": "district"},
    "3.3": {"level": "region", "coauthored": True},
    "3.4": {"level": "district"},
    "3.5": {"level": "district"},
    "4.1": {"hours": 96},
}
OBSERVATIONS = [72, 75, 70, 74, 71]  # five observed lessons, criterion 1.2


def teachers(*stages: str) -> list[Person]:
    return [p for p in CAST if p.role == "teacher" and (not stages or p.stage in stages)]


def members() -> list[Person]:
    return [p for p in CAST if p.role == "member"]


def _now() -> datetime:
    return datetime.now(UTC)


def _today(now: datetime) -> date:
    return now.astimezone(ZoneInfo(TIMEZONE)).date()


def filing_moment(now: datetime) -> datetime:
    """When the demo applications were filed: 10:00 on the last working day whose 10:00 has passed, so they
    are registered on that day (§23: after hours or on a day off registration moves to the next working day)
    and can be routed today."""
    tz = ZoneInfo(TIMEZONE)
    today = _today(now)
    ten = datetime.combine(today, time(10, 0), tzinfo=tz)
    day = today if is_working_day(today) and now >= ten else previous_working_day(today)
    return datetime.combine(day, time(10, 0), tzinfo=tz)


def commission_order_date(today: date) -> date:
    """The order that formed the commission: the first day of this academic year (the term is a year, §16)."""
    return date(academic_year(today), ACADEMIC_YEAR_START_MONTH, 1)


# --- the simulated Telegram side ---------------------------------------------------------------------


def seed_users(server: BotAPIServer) -> list[Person]:
    """Create the cast as simulated Telegram users (those the server does not know yet). Everyone but the
    fresh teacher has pressed Start before, so the bot may write to them first (notices, ballots)."""
    known = {user.id for user in server.users()}
    for person in CAST:
        if person.id not in known:
            server.create_user(person.first_name, user_id=person.id, last_name=person.last_name,
                               language_code=person.language, phone_number=person.phone)
        if has_records(person):
            server.start_chat(person.id)
    return list(CAST)


@dataclass(frozen=True)
class DemoFile:
    user_id: int
    item_id: str
    file_id: str
    file_name: str
    content: bytes

    @property
    def file_unique_id(self) -> str:
        return FileStore.unique_id_of(self.content)


@functools.cache
def demo_files() -> tuple[DemoFile, ...]:
    """Every file the demo teachers sent, the same bytes and ids on every run."""
    i18n = create_i18n("ru")
    out = []
    for person in teachers(*FILE_STAGES):
        work = WORK[person.id]
        region = region_by_id(DEMO_REGION)
        district = area_name(work.area, person.language) or ""
        where = f"{work.org}, {district}, {i18n.gettext(region.label, locale=person.language) if region else ''}"
        for item_id in SENT[person.stage]:
            title = i18n.gettext(BY_ID[item_id].title, locale=person.language)
            content = demo_pdf(title, [person.full_name, f"ИИН / ЖСН {work.iin}", where])
            out.append(DemoFile(person.id, item_id, f"BQACAgIAAxkBAA-demo-{person.id}-{item_id.replace('_', '-')}",
                                f"{item_id.replace('_', '-')}.pdf", content))
    return tuple(out)


async def seed_files(server: BotAPIServer) -> list[DemoFile]:
    """Put the teachers' files into the server's file store under the file_ids the database keeps."""
    files = await asyncio.to_thread(demo_files)
    for f in files:
        await server.store_file(f.content, f.file_name, "application/pdf", file_id=f.file_id)
    return list(files)


# --- the bot's database ------------------------------------------------------------------------------


def has_records(person: Person) -> bool:
    return not (person.role == "teacher" and not person.stage)


def has_profile(person: Person) -> bool:
    return bool(person.stage) or (person.role == "member" and person.id in WORK)


async def seed_bot_users(session: AsyncSession) -> None:
    """Everyone but the fresh teacher has talked to the bot before, so their language is known."""
    users = UserRepository(session)
    for person in CAST:
        if not has_records(person):
            continue
        user = await users.get_or_create(person.id)
        if user.locale is None:
            await users.set_locale(user, person.language)


def profile_values(person: Person, today: date) -> dict[str, object]:
    work = WORK[person.id]
    values: dict[str, object] = {"full_name": person.full_name, "iin": work.iin}
    if person.stage == "started":
        return values
    return values | {
        "role": "teacher", "teaching_post": "subject", "org_type": "general_secondary", "org_name": work.org,
        "region": DEMO_REGION,
        "area_code": work.area, "current_category": work.current,
        "category_valid_until": date(today.year + work.valid_years, 5, 31), "experience_years": work.experience,
        "education": "higher_pedagogical", "claimed_category": work.claimed, "attestation_kind": "regular",
        "certificates": [], "special_programme": False, "transferred": False, "email": work.email,
        "phone": person.phone, "completed_at": _now(),
    }


async def seed_profiles(session: AsyncSession) -> None:
    """Teachers at their stages (from name and IIN only to complete), and the teacher-members' profiles."""
    profiles = ProfileRepository(session)
    today = _today(_now())
    for person in CAST:
        if not has_profile(person) or await profiles.get(person.id) is not None:
            continue
        profile: TeacherProfile = await profiles.give_consent(person.id, _now())
        for field, value in profile_values(person, today).items():
            await profiles.set_field(profile, field, value)


async def seed_essay_topics(session: AsyncSession) -> None:
    """The admin has published this year's essay topics in both languages (/topics kk, /topics ru)."""
    essays = EssayService(session, default_rules(), TIMEZONE)
    now = _now()
    for locale, topics in ESSAY_TOPICS.items():
        if not await essays.topics(now, locale):
            await essays.set_topics(list(topics), locale, DEMO_ADMIN_ID, now)


async def seed_window(session: AsyncSession) -> None:
    """Applications can be filed today: outside the default window (1 Sep – 31 Dec) the admin has opened
    this academic year's for the whole year (/window). A window an admin set is left as it is."""
    now = _now()
    rules = pilot_with(default_rules())
    windows = ReminderRepository(session)
    submissions = SubmissionService(session, rules, TIMEZONE)
    for day in sorted({_today(now), _today(filing_moment(now))}):
        year = academic_year(day)
        if await windows.windows([year]):
            continue
        opens, closes = await submissions.window(year)
        if opens <= day <= closes:
            continue
        start = date(year, ACADEMIC_YEAR_START_MONTH, 1)
        await windows.set_window(year, start, date(year + 1, ACADEMIC_YEAR_START_MONTH, 1) - timedelta(days=1),
                                 DEMO_ADMIN_ID)


async def seed_commission(session: AsyncSession) -> None:
    """The district commission, built as the admin and its people do in the bot: created, members and the
    secretary joining with one-time invites (every §14/§15/§17 check applies), the chair elected by them."""
    svc = CommissionService.in_force(session, RuleBook(), TIMEZONE)
    now = _now()
    order_date = commission_order_date(svc.today(now))
    if any(c.order_number == COMMISSION_ORDER and c.order_date == order_date for c in await svc.repo.all()):
        return
    c = await svc.create(level=CommissionLevel.DISTRICT, name=COMMISSION_NAME, region=DEMO_REGION,
                         area_code=DEMO_AREA, organisation=None, order_number=COMMISSION_ORDER,
                         order_date=order_date, locale=COMMISSION_LOCALE, by=DEMO_ADMIN_ID)
    for person in members():
        code = await svc.new_invite(c, InviteKind.MEMBER, DEMO_ADMIN_ID, now)
        joined = await svc.join(code, person.id, person.full_name, MemberRole(person.member_role), now)
        if not isinstance(joined, tuple):
            problems = joined if isinstance(joined, list) else [joined]
            raise RuntimeError(f"demo member {person.full_name} cannot join: {[p.render() for p in problems]}")
    secretary = BY_PERSON[DEMO_SECRETARY_ID]
    joined = await svc.join(await svc.new_invite(c, InviteKind.SECRETARY, DEMO_ADMIN_ID, now), secretary.id,
                            secretary.full_name, None, now)
    if not isinstance(joined, tuple):
        raise RuntimeError(f"the demo secretary cannot join: {joined}")
    for person in members():
        await svc.vote_chair(c, person.id, DEMO_CHAIR_ID, now)
    problems = await svc.missing(c)
    if problems:
        raise RuntimeError(f"the demo commission is not valid: {[p.render() for p in problems]}")


def bot_file_store(session: AsyncSession) -> LocalFileStore:
    """The file store the sandbox's bot keeps its copies in: the files/ folder next to its SQLite database."""
    url = session.get_bind().engine.url.render_as_string(hide_password=False)
    return LocalFileStore(Settings(database_url=url).files_dir)


async def seed_documents(session: AsyncSession) -> None:
    """The files each teacher sent (checked as an upload is, and kept in the bot's file store as an upload is, so
    the dossier has their pages) and their answers on the checklist."""
    checklist = ChecklistService(session, pilot_with(default_rules()))
    files = FileStoreService(session, bot_file_store(session))
    now = _now()
    for person in teachers(*FILE_STAGES):
        if await checklist.repo.files(person.id) or await checklist.repo.marks(person.id):
            continue
        for f in (f for f in demo_files() if f.user_id == person.id):
            item = BY_ID[f.item_id]
            incoming = Incoming(f.file_id, f.file_unique_id, False, f.file_name, "application/pdf", len(f.content))
            problem = check_upload(item, incoming)
            stored = await files.store_upload(person.id, f.content)
            if problem is not None or await checklist.add_file(person.id, item, incoming, now,
                                                               stored.id) is not AddResult.SAVED:
                raise RuntimeError(f"demo file {f.file_name} of {person.full_name} is not accepted: {problem}")
        for item_id in IN_STATE_SYSTEMS:
            await checklist.set_in_state_systems(person.id, BY_ID[item_id], True, now)
        for item_id in NOT_APPLICABLE.get(person.stage, ()):
            await checklist.set_not_applicable(person.id, BY_ID[item_id], True, now)


async def seed_essays(session: AsyncSession) -> None:
    essays = EssayService(session, default_rules(), TIMEZONE)
    for person in teachers(*COMPLETE_STAGES):
        if await essays.current(person.id) is None:
            await essays.save_text(person.id, ESSAYS[WORK[person.id].essay], "text", _now())


async def seed_self_assessments(session: AsyncSession) -> None:
    """A filled-in scoring sheet (/score), so the secretary's card and the ballots show the teacher's points."""
    service = SelfAssessmentService(session, pilot_with(default_rules()))
    rows = SelfAssessmentRepository(session)
    profiles = ProfileRepository(session)
    for person in teachers(*COMPLETE_STAGES):
        setting = setting_of(await profiles.get(person.id))
        if setting is None:
            continue
        sheet_id = setting.sheet_ids()[0]
        if await rows.get(person.id, sheet_id) is not None:
            continue
        row = await service.row(person.id, sheet_id)
        sheet = SHEETS[sheet_id]
        for criterion_id, answer in SELF_ASSESSMENT.items():
            criterion = sheet.criterion(criterion_id)
            if criterion is not None:
                await service.set_answer(row, setting, criterion, dict(answer))
        observed = sheet.criterion("1.2")
        if observed is not None:
            await service.add_observations(row, setting, observed, list(OBSERVATIONS))


async def seed_applications(session: AsyncSession) -> None:
    """The submitted teachers' applications: /submit's checks and acceptance (App 6 notice, registration
    date, frozen snapshot), then routed to the commission as the bot does, waiting for the secretary. The
    Osakarovka teacher's reaches none: the bot's routing tells her and the admin when it runs (the
    scheduler's retry, at the bot's start)."""
    from features.submission.views import acceptance_notice  # the notice text exactly as /submit words it

    submissions = SubmissionService(session, pilot_with(default_rules()), TIMEZONE)
    i18n = create_i18n("ru")
    moment = filing_moment(_now())
    for person in teachers(*SUBMITTED_STAGES):
        if await submissions.applications.latest(person.id, academic_year(_today(moment))) is not None:
            continue
        review = await submissions.review(person.id, moment)
        if not review.passed:
            log.warning("demo application of %s not submitted: %s", person.full_name,
                        ", ".join(f.reason for f in review.failures) or "already submitted")
            continue
        app = await submissions.accept(person.id, review)
        with i18n.context(), i18n.use_locale(person.language):
            text = acceptance_notice(review, app)
        await submissions.record_acceptance(app, person.language, text, moment)
    await CommissionService.in_force(session, RuleBook(), TIMEZONE).route_new()


DbSeeder = Callable[[AsyncSession], Awaitable[None]]
# In order: later areas rely on rows of earlier ones (members' profiles before the commission, the
# commission and the files before the applications routed to it).
DB_SEEDERS: tuple[DbSeeder, ...] = (
    seed_bot_users, seed_profiles, seed_essay_topics, seed_window, seed_commission, seed_documents, seed_essays,
    seed_self_assessments, seed_applications,
)


async def seed_database(database_url: str, seeders: tuple[DbSeeder, ...] = DB_SEEDERS) -> None:
    """Bring the bot's database to the current schema and run every seeder, each in its own transaction."""
    await upgrade(database_url)
    engine = create_engine(database_url)
    try:
        sessions = create_session_factory(engine)
        for seeder in seeders:
            async with sessions() as session, session.begin():
                await seeder(session)
    finally:
        await engine.dispose()


async def seed(server: BotAPIServer, database_url: str) -> list[Person]:
    """All demo data: the simulated users and files on the server, their records in the bot's database."""
    cast = seed_users(server)
    await seed_files(server)
    await seed_database(database_url)
    return cast


# --- the guide printed with the sandbox's address ----------------------------------------------------


def unserved_steps(t: Callable[[str], str], region_name: str) -> list[str]:
    """The application no commission serves: told, counted, and routed once a commission is created."""
    [teacher] = teachers("unrouted")
    stats_line = t("⚠️ Reaching no commission: {count} (create one with /commission_new):").format(count=1)
    return [
        f"  An application no commission serves: {teacher.full_name} ({UNSERVED_DISTRICT}) has submitted hers.",
        "  When the bot starts (the scheduler's routing retry runs at once) she is told so, and the admin too.",
        f"    8. Admin: /stats → «{stats_line}»",
        f"       «• {UNSERVED_DISTRICT} ({region_name}): 1».",
        f"    9. Admin: /commission_new → «{t(CommissionLevel.DISTRICT.label)}» → a name → «{region_name}» → type",
        f"       «Осакаровка» → «✅ {UNSERVED_DISTRICT}» → an order number, its date, a language. The application",
        "       reaches the new commission at once: the admin is told it has no secretary yet (invite one from",
        f"       /commissions), and {teacher.full_name} that her application has reached it.",
    ]


MEMBER_ROLES = {"teacher": "teacher-member", "methodist": "methodist", "authority": "education authority",
                "ngo": "NGO / trade union"}


def guide(user_url: Callable[[int], str]) -> list[str]:
    """Who is who (one browser tab each) and a commission session step by step, with the buttons' labels
    as the tabs show them (Russian; Kazakh too where a Kazakh-speaking tab presses it)."""
    i18n = create_i18n("ru")

    def t(msgid: str, locale: str = "ru") -> str:
        return i18n.gettext(msgid, locale=locale)

    def both(msgid: str) -> str:
        ru, kk = t(msgid), t(msgid, "kk")
        return f"«{ru}»" if ru == kk else f"«{ru}» (kk: «{kk}»)"

    def row(person: Person, role: str, what: str) -> str:
        return f"    {role:<9} {person.full_name:<21} {user_url(person.id)}  {person.language}  {what}"

    today = _today(_now())
    submitted = teachers("submitted")
    first = submitted[0].full_name if submitted else "…"
    region = region_by_id(DEMO_REGION)
    region_name = t(region.label) if region else DEMO_REGION
    return [
        "",
        f"  Demo: {DEMO_SCHOOL} ({DEMO_DISTRICT}, {region_name}) and the district commission «{COMMISSION_NAME}»,",
        f"  order No. {COMMISSION_ORDER} of {commission_order_date(today):%d.%m.%Y}: 7 members, an elected chair, "
        "a secretary. One browser tab per person:",
        *(row(p, "teacher", STAGES[p.stage]) for p in teachers()),
        row(BY_PERSON[DEMO_SECRETARY_ID], "secretary", "/agenda: applications to accept, sessions"),
        *(row(p, "chair" if p.id == DEMO_CHAIR_ID else "member", f"{MEMBER_ROLES[p.member_role]}; /commissions")
          for p in members()),
        row(BY_PERSON[DEMO_ADMIN_ID], "admin", "/commissions, /commission_new, /window, /topics"),
        "",
        "  A commission session in a few minutes (in the secretary's tab unless said otherwise):",
        f"    1. /agenda → «{t('📄 {name}').format(name=first)}» → «{t('📎 Send the files')}», "
        f"«{t('✅ Accept for a session')}»; the same for each application.",
        f"    2. /agenda → «{t('🗓 New session ({count} accepted)').format(count=len(submitted))}» → a date, "
        f"e.g. {today:%d.%m.%Y} → «{t('▶️ Open the session')}».",
        f"    3. In at least 5 of the 7 members' tabs: {both('✋ I am present')} (the panel counts who is present).",
        f"    4. «{t('🗳 Start voting')}» → «{t('Put to the vote: {name}').format(name=first)}».",
        f"    5. In each present member's tab: a decision, e.g. «{t(Decision.MATCHES_CLAIMED.label)}»",
        f"       (kk: «{t(Decision.MATCHES_CLAIMED.label, 'kk')}»), then the category {both(Category.EXPERT.label)};"
        " the ballot then shows the member's own vote.",
        f"    6. «{t('Close the vote: {name}').format(name=first)}». The panel shows the votes against the members "
        "present; while one of them",
        f"       has not voted the vote does not close: the bot names them, «{t('🔔 Remind them')}» sends their "
        "ballot again,",
        f"       «{t('Close anyway, recording as abstaining: {names}').format(names='…')}» records them as "
        "abstaining. A decision needs a majority of the members present (§18);",
        "       the ballots of a closed vote lose their buttons.",
        f"    7. Steps 4–6 for the next candidate (or «{t('⏭ Postpone a candidate')}»); then "
        f"«{t('🏁 Close the session and issue the documents')}».",
        "    8. The protocol (App 2: attendance, quorum, the votes, signature lines of those present; DOCX and PDF) "
        "reaches the secretary",
        "       and the members; each teacher is told the decision in her language (the category, until when, how to "
        "appeal),",
        "       then gets the extract (App 3) with the votes it refers to. Step 2 told each of them the date.",
        "    9. Once the order assigning the categories is signed: "
        f"«{t('📜 Enter the order assigning the categories')}» (the panel or /agenda)",
        "       → its number, date, issuing body and the head who signs → each teacher gets the certificate (App 1).",
        "   10. Admin: /stats — where the year stands, in numbers and a chart.",
        f"  A teacher's own way: {teachers('ready')[0].full_name} sends /submit; the application appears in the "
        "secretary's /agenda.",
        f"  Not ready yet: {teachers('checklist')[0].full_name} sends /status (each step and his progress) or "
        "/submit (what is done, what is missing, a button to each).",
        f"  A new teacher reaches this commission with region «{region_name}», district «{DEMO_DISTRICT}»",
        f"  and the claim {both(Category.EXPERT.label)}.",
        *unserved_steps(t, region_name),
        f"  The Mini App: {teachers('ready')[0].full_name} sends /score and presses its web_app button; the sheet "
        "opens as a form in a phone-sized",
        "       panel over the chat (◐ switches its light/dark theme, × closes it); the chat summary then shows the "
        "same numbers.",
        "  Give --demo on every start: what was done in the sandbox is kept, the demo teachers' files come back.",
    ]
