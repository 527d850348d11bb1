"""The CPU one broadcast send costs the sender: aiogram's `bot.send_message` against the JSON path (bot/json_send.py).

    .venv/bin/python benchmarks/broadcast_request.py [--messages 2000] [--rounds 5] [--in-flight 50]

A minimal Bot API answers every sendMessage at once with a fixed message, in a separate process, so
this process's CPU time (`time.process_time()`) is the client's alone: building the request, aiohttp,
reading the answer. The two paths alternate round by round under the same load; the figure is the
median CPU milliseconds per message of each, and the messages per second one dedicated core would
carry at that cost (the request alone: the database work of the sender comes on top). Last line JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.json_send import TextMessages

TOKEN = "6666:BENCHMARK-request"
ANSWER = json.dumps({"ok": True, "result": {"message_id": 1, "date": 1700000000, "text": "broadcast text",
                                            "chat": {"id": 1, "type": "private", "first_name": "T"}}})
SERVER = f"""
import asyncio, sys
from aiohttp import web
async def answer(request):
    await request.read()
    return web.Response(text={ANSWER!r}, content_type="application/json")
async def main():
    app = web.Application()
    app.router.add_post("/bot{{token}}/{{method}}", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(site._server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()
asyncio.run(main())
"""


async def round_of(send: Callable[..., Awaitable[None]], n: int, in_flight: int) -> float:
    """CPU seconds of this process for n sends, in_flight at a time."""
    queue = iter(range(n))

    async def lane() -> None:
        for i in queue:
            await send(1_000_000 + i, "broadcast text", paid=True)

    began = time.process_time()
    await asyncio.gather(*(lane() for _ in range(in_flight)))
    return time.process_time() - began


async def main(messages: int, rounds: int, in_flight: int) -> dict[str, object]:
    server = await asyncio.create_subprocess_exec(sys.executable, "-c", SERVER, stdout=asyncio.subprocess.PIPE)
    assert server.stdout is not None
    port = int((await server.stdout.readline()).decode())
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(f"http://127.0.0.1:{port}")))
    messages_path = TextMessages(bot)

    async def through_aiogram(chat_id: int, text: str, *, paid: bool = False) -> None:
        await bot.send_message(chat_id, text, allow_paid_broadcast=True if paid else None)

    paths: dict[str, Callable[..., Awaitable[None]]] = {"aiogram": through_aiogram, "json": messages_path.send}
    cpu: dict[str, list[float]] = {name: [] for name in paths}
    try:
        for send in paths.values():  # warm-up: connections, pydantic's models
            await round_of(send, 200, in_flight)
        for _ in range(rounds):
            for name, send in paths.items():
                cpu[name].append(1000 * await round_of(send, messages, in_flight) / messages)
    finally:
        await bot.session.close()
        server.kill()
        await server.wait()
    result: dict[str, object] = {"messages": messages, "rounds": rounds, "in_flight": in_flight}
    for name, per_message in cpu.items():
        median = statistics.median(per_message)
        print(f"{name}: CPU per message {median:.3f} ms (rounds: {', '.join(f'{v:.3f}' for v in per_message)}), "
              f"about {1000 / median:,.0f} messages/s per dedicated core for the request alone", flush=True)
        result[f"{name}_cpu_ms_per_message"] = round(median, 4)
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--in-flight", type=int, default=50)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.messages, args.rounds, args.in_flight))))
