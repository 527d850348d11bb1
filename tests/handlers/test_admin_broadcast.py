"""/broadcast and /broadcast_status through the real Dispatcher: admins compose, others are refused."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from features.broadcast.callbacks import BroadcastConfirmCallback, BroadcastControlCallback, BroadcastSegmentCallback
from features.broadcast.sender import BroadcastSender
from storage.broadcast_models import Broadcast, BroadcastRecipient, BroadcastStatus
from storage.profile_models import TeacherProfile, User
from tests.conftest import Harness, alerts, last_markup_data, texts

ADMIN = 1
REFUSAL = "This command is for administrators only."
PAID = ("A paid broadcast sends up to {rate} messages/s: about {time} for {count} recipients instead of "
        "{free_time}. Telegram charges {price} Star per message: about {stars} Stars from the bot's balance.")
PREVIEW = "Segment: {segment}\nRecipients: {count}\n\nThe Kazakh and the Russian text are the two messages above."


def tr(h: Harness, text: str, locale: str = "ru") -> str:
    return h.app.i18n.gettext(text, locale=locale)


def recipients_line(h: Harness, count: int, locale: str = "ru") -> str:
    return tr(h, PREVIEW, locale).split("\n")[1].format(count=count)


async def add_teachers(harness: Harness, *rows: tuple[int, str, str | None, str | None]) -> None:
    """(user id, locale, region, KATO code of the district)"""
    async with harness.app.sessions() as session:
        for user_id, locale, region, area_code in rows:
            session.add(User(id=user_id, locale=locale, is_active=True))
            session.add(TeacherProfile(user_id=user_id, consent_at=datetime.now(UTC), region=region,
                                       area_code=area_code, claimed_category="expert"))
        await session.commit()


async def compose(harness: Harness, admin_lang: str = "ru") -> None:
    admin = harness.user(ADMIN, admin_lang)
    await harness.text(admin, "/broadcast")
    await harness.text(admin, "Сәлеметсіз бе!")
    await harness.text(admin, "Здравствуйте!")


async def queued(harness: Harness) -> list[Broadcast]:
    async with harness.app.sessions() as session:
        return list(await session.scalars(select(Broadcast)))


async def test_non_admin_is_refused_in_their_language(harness: Harness) -> None:
    for user_id, lang in ((5, "ru"), (6, "kk")):
        user = harness.user(user_id, lang)
        sent = await harness.text(user, "/broadcast")
        assert texts(sent) == [harness.app.i18n.gettext(REFUSAL, locale=lang)]
        sent = await harness.text(user, "/broadcast_status")
        assert texts(sent) == [harness.app.i18n.gettext(REFUSAL, locale=lang)]
        # Forged buttons are refused too.
        sent = await harness.press(user, BroadcastControlCallback(action="cancel", id=1).pack())
        assert alerts(sent) == [harness.app.i18n.gettext(REFUSAL, locale=lang)]
    assert await queued(harness) == []


async def test_admin_broadcasts_to_all_with_preview_and_confirm(harness: Harness) -> None:
    await add_teachers(harness, (10, "kk", "astana", None), (11, "ru", "shymkent", None))
    await compose(harness)
    admin = harness.user(ADMIN, "ru")
    sent = await harness.press(admin, BroadcastSegmentCallback(kind="all").pack())
    kazakh, russian, preview = texts(sent)[-3:]
    assert recipients_line(harness, 2) in preview.split("\n")
    assert (kazakh, russian) == ("Сәлеметсіз бе!", "Здравствуйте!")
    assert BroadcastConfirmCallback(confirm=True).pack() in last_markup_data(sent)
    sent = await harness.press(admin, BroadcastConfirmCallback(confirm=True).pack())
    assert tr(harness, "Broadcast #{id} queued.").format(id=1) in alerts(sent)
    [broadcast] = await queued(harness)
    assert (broadcast.text_kk, broadcast.text_ru, broadcast.total) == ("Сәлеметсіз бе!", "Здравствуйте!", 2)
    assert (broadcast.progress_chat_id, broadcast.progress_message_id) == (ADMIN, None)
    # The sender posts the progress message the admin then watches (and keeps its id to edit it).
    before = len(harness.session.requests)
    sender = BroadcastSender(harness.bot, harness.app.sessions, harness.app.i18n, harness.app.settings)
    await sender.report(broadcast.id, None)
    assert any(tr(harness, "Broadcast #{id}: {status}").format(id=1, status=tr(harness, "sending")) in t
               for t in texts(harness.session.requests[before:]))
    [broadcast] = await queued(harness)
    assert broadcast.progress_message_id is not None
    async with harness.app.sessions() as session:
        rows = {r.user_id: r.locale for r in await session.scalars(select(BroadcastRecipient))}
    assert rows == {10: "kk", 11: "ru"}


async def test_region_segment_counts_only_that_region(harness: Harness) -> None:
    await add_teachers(harness, (10, "kk", "astana", None), (11, "ru", "shymkent", None))
    await compose(harness, "kk")
    admin = harness.user(ADMIN, "kk")
    sent = await harness.press(admin, BroadcastSegmentCallback(kind="region").pack())
    assert BroadcastSegmentCallback(kind="region", value="astana").pack() in last_markup_data(sent)
    sent = await harness.press(admin, BroadcastSegmentCallback(kind="region", value="astana").pack())
    assert recipients_line(harness, 1, "kk") in texts(sent)[-1].split("\n")
    await harness.press(admin, BroadcastConfirmCallback(confirm=True).pack())
    [broadcast] = await queued(harness)
    assert broadcast.total == 1 and broadcast.segment == {"kind": "region", "value": "astana"}


async def test_district_is_matched_ignoring_case_and_language(harness: Harness) -> None:
    """The admin types the Kazakh name; the teachers of that district (by its code) are the segment."""
    await add_teachers(harness, (10, "kk", "astana", "711210000"), (11, "ru", "astana", "711310000"))  # Есіл, Сарыарқа
    await compose(harness)
    admin = harness.user(ADMIN, "ru")
    await harness.press(admin, BroadcastSegmentCallback(kind="district").pack())
    sent = await harness.text(admin, "  есіл АУДАНЫ ")
    assert recipients_line(harness, 1) in texts(sent)[-1].split("\n")


async def test_empty_segment_asks_for_another(harness: Harness) -> None:
    await add_teachers(harness, (10, "kk", "astana", None))
    await compose(harness)
    admin = harness.user(ADMIN, "ru")
    sent = await harness.press(admin, BroadcastSegmentCallback(kind="region", value="atyrau").pack())
    template = tr(harness, "No teacher matches «{segment}». Choose another segment:")
    assert texts(sent)[-1].startswith(template.split("{segment}")[0])
    assert BroadcastSegmentCallback(kind="all").pack() in last_markup_data(sent)


async def test_bad_input_gets_a_clear_message(harness: Harness) -> None:
    admin = harness.user(ADMIN, "ru")
    await harness.text(admin, "/broadcast")
    not_text = tr(harness, "Please send the broadcast as a text message (not empty, no files).")
    sent = await harness.text(admin, "   \u200b")  # empty once normalised: refused before the composer
    assert texts(sent)[-1] == tr(harness, "This message is empty once invisible characters are removed. Please "
                                          "type the answer in letters or digits.")
    from aiogram.types import Contact

    sent = await harness.send(admin, contact=Contact(phone_number="+77010000000", first_name="A", user_id=ADMIN))
    assert texts(sent)[-1] == not_text
    sent = await harness.text(admin, "x" * 4097)
    assert texts(sent)[-1] == tr(
        harness, "The text is too long: {n} characters, at most {max}. Please shorten it.").format(n=4097, max=4096)
    # A forged segment kind.
    await harness.text(admin, "kk text")
    await harness.text(admin, "ru text")
    sent = await harness.press(admin, "bcseg:everyone-please:")  # forged: no such segment
    assert alerts(sent) == [tr(harness, "This button is no longer active.")]


async def test_cancel_button_and_cancel_command_send_nothing(harness: Harness) -> None:
    await add_teachers(harness, (10, "kk", "astana", None))
    await compose(harness)
    admin = harness.user(ADMIN, "ru")
    await harness.press(admin, BroadcastSegmentCallback(kind="all").pack())
    sent = await harness.press(admin, BroadcastConfirmCallback(confirm=False).pack())
    assert texts(sent)[-1] == tr(harness, "Broadcast cancelled; nothing was sent.")
    await compose(harness)
    await harness.text(admin, "/cancel")
    sent = await harness.press(admin, BroadcastSegmentCallback(kind="all").pack())
    assert alerts(sent) == [harness.app.i18n.gettext("This button is no longer active.", locale="ru")]
    assert await queued(harness) == []


async def test_status_and_controls(harness: Harness) -> None:
    await add_teachers(harness, (10, "kk", "astana", None), (11, "ru", "astana", None))
    admin = harness.user(ADMIN, "ru")
    sent = await harness.text(admin, "/broadcast_status")
    assert texts(sent)[-1] == tr(harness, "There have been no broadcasts yet. Start one with /broadcast.")
    await compose(harness)
    await harness.press(admin, BroadcastSegmentCallback(kind="all").pack())
    await harness.press(admin, BroadcastConfirmCallback(confirm=True).pack())
    sent = await harness.text(admin, "/broadcast_status")
    assert tr(harness, "Remaining: {n}").format(n=2) in texts(sent)[-1].split("\n")
    await harness.press(admin, BroadcastControlCallback(action="pause", id=1).pack())
    assert (await queued(harness))[0].status == BroadcastStatus.PAUSED
    await harness.press(admin, BroadcastControlCallback(action="resume", id=1).pack())
    assert (await queued(harness))[0].status == BroadcastStatus.RUNNING
    sent = await harness.press(admin, BroadcastControlCallback(action="cancel", id=1).pack())
    assert tr(harness, "Not sent (cancelled): {n}").format(n=2) in texts(sent)[-1].split("\n")
    assert (await queued(harness))[0].status == BroadcastStatus.CANCELLED
    sent = await harness.press(admin, BroadcastControlCallback(action="resume", id=1).pack())
    assert alerts(sent)[0] == tr(harness, "Not possible now: the broadcast is {status}.").format(
        status=tr(harness, "cancelled"))


async def test_not_submitted_and_commission_segments(harness: Harness) -> None:
    from datetime import date

    from storage.broadcast_repository import BroadcastRepository
    from storage.checklist_models import Application
    from storage.commission_models import Commission, CommissionMember

    await add_teachers(harness, (10, "kk", "astana", None), (11, "ru", "astana", None))
    now = datetime.now(UTC)
    async with harness.app.sessions() as session:
        from scoring.calendar import KZ_TZ, academic_year

        year = academic_year(now.astimezone(KZ_TZ).date())
        session.add(Application(user_id=11, academic_year=year, status="submitted", created_at=now))
        session.add(User(id=50, locale="kk", is_active=True))  # a member without a teacher profile
        commission = Commission(level="school", name="C", order_number="1", order_date=date(2026, 1, 1),
                                term_end=date(2027, 1, 1), locale="kk", created_by=1)
        session.add(commission)
        await session.flush()
        session.add(CommissionMember(commission_id=commission.id, user_id=50, full_name="M", role="member",
                                     joined_at=now))
        # A teacher-member and the secretary have teacher profiles too, and are not teachers in attestation.
        await session.commit()
    await add_teachers(harness, (51, "ru", "astana", None), (52, "kk", "astana", None))
    async with harness.app.sessions() as session:
        session.add(CommissionMember(commission_id=commission.id, user_id=51, full_name="T", role="teacher",
                                     joined_at=now))
        row = await session.get(Commission, commission.id)
        assert row is not None
        row.secretary_user_id = 52
        await session.commit()
        repo = BroadcastRepository(session)
        assert await repo.count_segment("not_submitted", None) == 1  # teacher 10 only
        assert await repo.count_segment("commission", None) == 2
    await compose(harness)
    sent = await harness.press(harness.user(ADMIN, "ru"), BroadcastSegmentCallback(kind="commission").pack())
    assert recipients_line(harness, 2) in texts(sent)[-1].split("\n")


async def test_regions_to_choose_from_are_in_the_admins_alphabet(harness: Harness) -> None:
    from scoring.areas import sort_key  # the reader's alphabet, «область»/«облысы» aside
    from scoring.regions import region_by_id

    await compose(harness, "kk")
    sent = await harness.press(harness.user(ADMIN, "kk"), BroadcastSegmentCallback(kind="region").pack())
    regions = [BroadcastSegmentCallback.unpack(d).value for d in last_markup_data(sent)]
    names = [tr(harness, region_by_id(r).label, "kk") for r in regions]  # type: ignore[union-attr]
    assert len(names) == 20 and names == sorted(names, key=lambda name: sort_key(name, "kk"))


async def test_preview_shows_the_time_and_a_paid_broadcast_its_cost_first(harness: Harness) -> None:
    from features.broadcast.callbacks import BroadcastPaidCallback

    await add_teachers(harness, *((100 + i, "kk", "astana", None) for i in range(3)))
    await compose(harness)
    admin = harness.user(ADMIN, "ru")
    sent = await harness.press(admin, BroadcastSegmentCallback(kind="all").pack())
    free_line = tr(harness, "At the free rate ({rate} messages/s) it takes about {time}.").format(
        rate="25", time=tr(harness, "{seconds} s").format(seconds=0))
    assert free_line in texts(sent)[-1].split("\n")
    assert BroadcastPaidCallback().pack() in last_markup_data(sent)
    # A paid confirm before its cost was shown is refused (callback data can be forged), and nothing is queued.
    sent = await harness.press(admin, BroadcastPaidCallback(send=True).pack())
    assert alerts(sent) == [tr(harness, "This button is no longer active.")]
    assert await queued(harness) == []
    sent = await harness.press(admin, BroadcastPaidCallback().pack())
    instant = tr(harness, "{seconds} s").format(seconds=0)
    assert tr(harness, PAID).format(rate="1000", time=instant, count=3, free_time=instant, price="0.1",
                                    stars="1") in texts(sent)
    assert BroadcastPaidCallback(send=True).pack() in last_markup_data(sent)
    sent = await harness.press(admin, BroadcastPaidCallback(send=True).pack())
    [broadcast] = await queued(harness)
    assert broadcast.paid is True and broadcast.total == 3


async def test_the_default_stays_free(harness: Harness) -> None:
    await add_teachers(harness, (10, "kk", "astana", None))
    await compose(harness)
    admin = harness.user(ADMIN, "ru")
    await harness.press(admin, BroadcastSegmentCallback(kind="all").pack())
    await harness.press(admin, BroadcastConfirmCallback(confirm=True).pack())
    [broadcast] = await queued(harness)
    assert broadcast.paid is False


def test_estimates_at_national_scale() -> None:
    """500,000 recipients: 5.6 h at the default 25/s (4.6 h at 30/s), 8 min 20 s and 50,000 Stars paid."""
    from features.broadcast.service import Estimate

    estimate = Estimate(500_000, 25, 1000, 0.1)
    assert round(estimate.free_seconds / 3600, 1) == 5.6
    assert round(Estimate(500_000, 30, 1000, 0.1).free_seconds / 3600, 1) == 4.6
    assert (estimate.paid_seconds, estimate.paid_stars) == (500, 50_000)
    assert Estimate(3, 25, 1000, 0.1).paid_stars == 1  # rounded up: Telegram charges every message
