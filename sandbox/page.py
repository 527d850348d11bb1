"""The browser page of the sandbox: a Telegram-like chat served next to the Bot API routes."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

WEB_DIR = Path(__file__).with_name("web")
# The page is a handful of static files; anything else under /static is a 404.
ASSETS = {"app.js": "text/javascript", "app.css": "text/css", "favicon.svg": "image/svg+xml"}


def _asset(name: str, content_type: str) -> web.Response:
    body = (WEB_DIR / name).read_bytes()
    # Read on every request and never cached, so a developer editing the page just reloads it.
    return web.Response(body=body, content_type=content_type, charset="utf-8" if content_type.startswith("text")
                        else None, headers={"Cache-Control": "no-store"})


async def index(request: web.Request) -> web.Response:
    return _asset("index.html", "text/html")


async def static(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    content_type = ASSETS.get(name)
    if content_type is None:
        raise web.HTTPNotFound()
    return _asset(name, content_type)


async def web_app_script(request: web.Request) -> web.Response:
    """The sandbox's stand-in for https://telegram.org/js/telegram-web-app.js, which Mini Apps load."""
    response = _asset("telegram-web-app.js", "text/javascript")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def add_page_routes(app: web.Application) -> None:
    app.router.add_get("/", index)
    app.router.add_get("/telegram-web-app.js", web_app_script)
    app.router.add_get("/static/{name}", static)
