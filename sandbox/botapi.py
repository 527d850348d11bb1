"""A Bot API-conformant server for running the bot without Telegram.

    python -m sandbox.botapi --port 8081 --data DIR

then run the bot with BOT_API_URL=http://127.0.0.1:8081.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from pathlib import Path

from sandbox.errors import ApiError
from sandbox.faults import Fault, FaultKind
from sandbox.params import Upload
from sandbox.server import BotAPIServer, run_server
from sandbox.state import RateLimit, RecordedRequest, SimUser

__all__ = ["ApiError", "BotAPIServer", "Fault", "FaultKind", "RateLimit", "RecordedRequest", "SimUser", "Upload",
           "main", "run_server"]


async def _serve(host: str, port: int, data_dir: Path | None, rate_limit: RateLimit | None) -> None:
    server = await run_server(host, port, data_dir, rate_limit=rate_limit)
    print(f"Bot API sandbox on {server.url} (BOT_API_URL={server.url})", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await server.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox.botapi", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--data", type=Path, default=None, help="directory for uploaded files (default: temp)")
    parser.add_argument("--rate-limit", action="store_true", help="answer 429 beyond Telegram's send limits")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.host, args.port, args.data, RateLimit() if args.rate_limit else None))


if __name__ == "__main__":
    main()
