"""The public verification page: GET /verify/<code> (HTML in kk/ru/en, or JSON), GET /verify/key (the public key).

It shows the facts the QR code signs and the status, and no other personal data: the IIN only by its last four
digits. The page is the bot's (app/web.py serves it); a department links to it with VERIFY_URL.
"""

from __future__ import annotations

import html
from typing import Any

from aiogram.utils.i18n import I18n
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from features.verification.keys import fingerprint, public_pem, public_raw, signing_key
from features.verification.payload import masked_iin, normalise_code
from features.verification.service import Status, Verdict, VerificationService
from features.verification.views import fact_lines, status_line
from scoring.dates import format_day
from scoring.i18n import N_

LANGUAGES = ("kk", "ru", "en")
TITLE = N_("Verification of a document of the attestation commission")
PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{title}</title>
<style>body{{font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.4}}
.status{{font-size:1.2rem;font-weight:bold;padding:.8rem;border-radius:.4rem}}
.valid{{background:#e3f6e3}}.revoked,.invalid,.unknown{{background:#fde2e2}}.expired{{background:#fff3cd}}
th{{text-align:left;padding-right:1rem;vertical-align:top}}</style></head>
<body><h1>{title}</h1><div id="verdict"><p class="status {status}">{line}</p>{table}</div>
<p class="status invalid" id="forged" hidden>{forged}</p>
<p><small>{languages}</small></p>
<script>
// A QR code's link carries its signed facts in the fragment, which the browser never sends: check them too.
if (location.hash.startsWith("#AV1.")) {{
  fetch(location.pathname + ".json?payload=" + encodeURIComponent(location.hash.slice(1)))
    .then(function (r) {{ return r.json(); }})
    .then(function (d) {{ if (d.status === "invalid") {{
      document.getElementById("verdict").hidden = true; document.getElementById("forged").hidden = false; }} }});
}}
</script></body></html>
"""


def language(request: web.Request) -> str:
    asked = request.query.get("lang", "")
    if asked in LANGUAGES:
        return asked
    for part in request.headers.get("Accept-Language", "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag
    return "kk"


def wants_json(request: web.Request, code: str) -> bool:
    accept = request.headers.get("Accept", "")
    return code.endswith(".json") or ("application/json" in accept and "text/html" not in accept)


def verdict_json(verdict: Verdict, revoked_on: str) -> dict[str, Any]:
    out: dict[str, Any] = {"status": verdict.status.value, "code": verdict.code}
    facts = verdict.facts
    if facts is not None:
        out["document"] = {
            "kind": facts.kind, "full_name": facts.full_name, "iin": masked_iin(facts.iin_last4),
            "category": facts.category, "decided_on": facts.decided_on.isoformat(), "commission": facts.commission,
            "valid_until": facts.valid_until.isoformat() if facts.valid_until else None, "number": facts.number,
        }
    if verdict.status is Status.REVOKED:
        out["revoked_on"], out["revoked_reason"] = revoked_on, verdict.revoked_reason
    return out


def verdict_page(verdict: Verdict, revoked_on: str, lang: str, i18n: I18n) -> str:
    def t(msgid: str) -> str:
        return i18n.gettext(msgid, locale=lang)

    rows = "".join(f"<tr><th>{html.escape(label)}</th><td>{html.escape(value)}</td></tr>"
                   for label, value in (fact_lines(t, verdict.facts) if verdict.facts else []))
    links = " · ".join(f'<a href="?lang={other}">{other}</a>' for other in LANGUAGES)
    return PAGE.format(lang=lang, title=html.escape(t(TITLE)), status=verdict.status.value,
                       line=html.escape(status_line(t, verdict, revoked_on)),
                       table=f"<table>{rows}</table>" if rows else "", languages=links,
                       forged=html.escape(status_line(t, Verdict(Status.INVALID))))


class VerificationPages:
    def __init__(self, settings: Settings, sessions: async_sessionmaker[AsyncSession], i18n: I18n):
        self.settings, self.sessions, self.i18n = settings, sessions, i18n

    def routes(self) -> list[web.RouteDef]:
        # The key first: aiohttp tries routes in order and /verify/{code} would take "key" for a code.
        return [web.get("/verify/key", self.key), web.get("/verify/{code}", self.page)]

    @staticmethod
    async def verdict(service: VerificationService, code: str | None, typed: str, payload: str | None) -> Verdict:
        """The code's verdict; with the QR code's payload (the page's script sends it), that payload's, which must
        sign this very code."""
        if code is None:
            return Verdict(Status.UNKNOWN, code=typed[:40])
        if payload is None:
            return await service.lookup(code)
        verdict = await service.check_payload(payload)
        if verdict.facts is not None and verdict.facts.code != code:
            return Verdict(Status.INVALID, code=typed[:40])
        return verdict

    async def key(self, request: web.Request) -> web.Response:
        key = signing_key(self.settings.signing_key_path).public_key()
        if request.query.get("format") == "raw":
            return web.Response(text=public_raw(key) + "\n")
        if "application/json" in request.headers.get("Accept", ""):
            return web.json_response({"algorithm": "Ed25519", "pem": public_pem(key), "raw": public_raw(key),
                                      "fingerprint": fingerprint(key)})
        return web.Response(text=public_pem(key), content_type="application/x-pem-file")

    async def page(self, request: web.Request) -> web.Response:
        typed = request.match_info["code"]
        code = normalise_code(typed.removesuffix(".json"))
        async with self.sessions() as session:
            service = VerificationService(session, self.settings)
            verdict = await self.verdict(service, code, typed, request.query.get("payload"))
            revoked_on = format_day(service.local_day(verdict.revoked_at)) if verdict.revoked_at else ""
        found = verdict.status is not Status.UNKNOWN
        if wants_json(request, typed):
            return web.json_response(verdict_json(verdict, revoked_on), status=200 if found else 404)
        return web.Response(text=verdict_page(verdict, revoked_on, language(request), self.i18n),
                            content_type="text/html", status=200 if found else 404,
                            headers={"Cache-Control": "no-store"})
