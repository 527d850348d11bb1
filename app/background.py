"""Work that runs beside the dispatcher: the broadcast sender, the reminder scheduler, the outbox deliverer
(messages to others left unsent by a process that died) and the teachers' change notices of a loaded rule set.

main.py starts it once the app is ready and stops it on shutdown; each piece opens its own database
sessions from `Application.sessions`. Both share one rate limiter, so together they stay within
BROADCAST_RATE and one message per second per chat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from aiogram import Bot

from app.factory import Application
from app.leadership import SchedulerLeader
from app.scheduler import start_scheduler
from bot.pipeline.outbox import OutboxDeliverer
from features.broadcast.delivery import RateLimiter
from features.broadcast.sender import BroadcastSender
from features.commission.routing import RoutingJob
from features.reminders.service import ReminderService
from features.rules.notices import ChangeNotices


@dataclass
class Background:
    sender: BroadcastSender
    scheduler: SchedulerLeader | None
    outbox: OutboxDeliverer
    notices: ChangeNotices

    async def stop(self) -> None:
        if self.scheduler is not None:
            await self.scheduler.stop()
        await self.notices.stop()
        await self.outbox.stop()
        await self.sender.stop()


def start_background(app: Application, bot: Bot) -> Background:
    limiter = RateLimiter(app.settings.broadcast_rate)
    sender = BroadcastSender(bot, app.sessions, app.i18n, app.settings, limiter=limiter)
    # Handlers reach the sender through the dispatcher's data to wake it after a confirm or resume.
    app.dispatcher["broadcast_sender"] = sender
    sender.start()  # resumes broadcasts left unfinished by a previous run
    scheduler = None
    if app.settings.scheduler_enabled:
        service = ReminderService(bot, app.sessions, app.i18n, app.settings, rule_book=app.rule_book,
                                  limiter=limiter)
        routing = RoutingJob(bot, app.sessions, app.i18n, app.settings, app.rule_book)
        scheduler = SchedulerLeader(app.sessions, partial(start_scheduler, service, app.settings, routing,
                                                          file_store=app.file_store),
                                    app.settings.scheduler_lease_seconds)
        scheduler.start()
    outbox = OutboxDeliverer(bot, app.sessions, timedelta(seconds=app.settings.outbox_lease_seconds), app.file_store)
    outbox.start()
    notices = ChangeNotices(bot, app.sessions, app.i18n, app.settings, app.rule_book)
    notices.start()  # resumes notices left unfinished by a previous run
    return Background(sender, scheduler, outbox, notices)
