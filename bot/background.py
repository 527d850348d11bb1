"""Work that runs beside the dispatcher: the broadcast sender and the reminder scheduler.

main.py starts it once the app is ready and stops it on shutdown; each piece opens its own database
sessions from `Application.sessions`.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Bot

from bot.app import Application
from bot.services.broadcast import BroadcastSender


@dataclass
class Background:
    sender: BroadcastSender

    async def stop(self) -> None:
        await self.sender.stop()


def start_background(app: Application, bot: Bot) -> Background:
    sender = BroadcastSender(bot, app.sessions, app.i18n, app.settings)
    # Handlers reach the sender through the dispatcher's data to wake it after a confirm or resume.
    app.dispatcher["broadcast_sender"] = sender
    sender.start()  # resumes broadcasts left unfinished by a previous run
    return Background(sender)
