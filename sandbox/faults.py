"""Faults injected on purpose: what a real Telegram, or a proxy in front of it, answers now and then.

A rule matches Bot API calls by method (or any), optionally by bot and by the chat the call concerns,
and applies to the next N matching calls (or until cleared). Each kind says whether the call still
takes effect, because that is what a bot cannot see from its side and must be proved to cope with:

| kind             | the call takes effect | the bot gets                                                       |
|------------------|-----------------------|--------------------------------------------------------------------|
| `delay`          | yes, after D seconds  | the normal answer, D seconds late                                   |
| `retry_after`    | no                    | 429 with `parameters.retry_after` = S                              |
| `server_error`   | no                    | 500, a Bot API JSON error                                          |
| `bad_gateway`    | no                    | 502 with an HTML body (text/html), as nginx in front of it answers |
| `malformed_json` | yes                   | 200 with the real answer cut in half (not parsable JSON)           |
| `query_too_old`  | no                    | 400 "query is too old …" (answerCallbackQuery only)                |
| `lost_answer`    | yes                   | 500, or with `disconnect` the connection dropped without an answer |

Faults apply to Bot API calls over HTTP (what a bot process makes); `BotAPIServer.call()` and the
method a webhook reply body carries run without them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sandbox.errors import ApiError, bad_request, too_many_requests
from sandbox.methods import canonical_name

ANY_METHOD = ("", "*", "any")
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
BAD_GATEWAY_HTML = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


class FaultKind(StrEnum):
    DELAY = "delay"
    RETRY_AFTER = "retry_after"
    SERVER_ERROR = "server_error"
    BAD_GATEWAY = "bad_gateway"
    MALFORMED_JSON = "malformed_json"
    QUERY_TOO_OLD = "query_too_old"
    LOST_ANSWER = "lost_answer"

    @property
    def takes_effect(self) -> bool:
        return self in (FaultKind.DELAY, FaultKind.MALFORMED_JSON, FaultKind.LOST_ANSWER)


@dataclass
class Fault:
    id: int
    kind: FaultKind
    method: str | None = None  # canonical Bot API name; None: every method
    chat_id: int | None = None  # the user's id: a private chat's id is its user's
    times: int | None = 1  # None: until cleared
    seconds: float = 0.0  # delay
    retry_after: int = 0  # retry_after
    disconnect: bool = False  # lost_answer: drop the connection instead of answering 500
    token: str | None = None  # None: every bot
    hits: int = 0

    @property
    def remaining(self) -> int | None:
        return None if self.times is None else max(self.times - self.hits, 0)

    @property
    def active(self) -> bool:
        return self.times is None or self.hits < self.times

    def matches(self, token: str, method: str, chat_id: int | None) -> bool:
        return (self.active and (self.token is None or self.token == token)
                and (self.method is None or self.method == method)
                and (self.chat_id is None or self.chat_id == chat_id))

    def refusal(self) -> ApiError:
        """The Bot API error of a fault under which the call does not happen (bad_gateway has none: it is HTML)."""
        if self.kind is FaultKind.RETRY_AFTER:
            return too_many_requests(self.retry_after)
        if self.kind is FaultKind.QUERY_TOO_OLD:
            return bad_request(QUERY_TOO_OLD)
        return ApiError(500, "Internal Server Error")

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": str(self.kind), "method": self.method, "chat_id": self.chat_id,
            "times": self.times, "seconds": self.seconds, "retry_after": self.retry_after,
            "disconnect": self.disconnect, "hits": self.hits, "remaining": self.remaining, "active": self.active,
        }


def _method(kind: FaultKind, method: str | None) -> str | None:
    name = None if method is None or method.strip().lower() in ANY_METHOD else canonical_name(method.strip())
    if method is not None and method.strip().lower() not in ANY_METHOD and name is None:
        raise ValueError(f"unknown Bot API method {method!r}")
    if kind is FaultKind.QUERY_TOO_OLD:
        if name not in (None, "answerCallbackQuery"):
            raise ValueError("query_too_old applies to answerCallbackQuery only")
        return "answerCallbackQuery"
    return name


def _check_options(kind: FaultKind, seconds: float | None, retry_after: int | None, disconnect: bool) -> None:
    if kind is FaultKind.DELAY:
        if seconds is None or not 0 < seconds <= 600:
            raise ValueError("a delay needs seconds between 0 and 600")
    elif seconds is not None:
        raise ValueError("seconds applies to a delay only")
    if kind is FaultKind.RETRY_AFTER:
        if isinstance(retry_after, bool) or not isinstance(retry_after, int) or retry_after < 1:
            raise ValueError("retry_after needs a whole number of seconds, at least 1")
    elif retry_after is not None:
        raise ValueError("retry_after applies to the retry_after fault only")
    if disconnect and kind is not FaultKind.LOST_ANSWER:
        raise ValueError("disconnect applies to lost_answer only")


class Faults:
    """The fault rules of one server; the first active rule that matches a call applies to it."""

    def __init__(self) -> None:
        self._rules: list[Fault] = []
        self._ids = itertools.count(1)

    def add(self, kind: FaultKind | str, *, method: str | None = None, chat_id: int | None = None,
            times: int | None = 1, seconds: float | None = None, retry_after: int | None = None,
            disconnect: bool = False, token: str | None = None) -> Fault:
        try:
            kind = FaultKind(kind)
        except ValueError:
            raise ValueError(f"unknown fault {kind!r}; one of {', '.join(FaultKind)}") from None
        if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
            raise ValueError("times must be a whole number, at least 1 (or none: until cleared)")
        if chat_id is not None and (isinstance(chat_id, bool) or not isinstance(chat_id, int)):
            raise ValueError("chat_id must be an integer")
        _check_options(kind, seconds, retry_after, disconnect)
        rule = Fault(next(self._ids), kind, _method(kind, method), chat_id, times, float(seconds or 0.0),
                     retry_after or 0, disconnect, token)
        self._rules.append(rule)
        return rule

    def take(self, token: str, method: str, chat_id: int | None) -> Fault | None:
        """The rule that applies to this call, if any; it counts the call as one of its N."""
        for rule in self._rules:
            if rule.matches(token, method, chat_id):
                rule.hits += 1
                return rule
        return None

    def rules(self) -> list[Fault]:
        return list(self._rules)

    def clear(self, fault_id: int | None = None) -> int:
        """Remove one rule (KeyError if unknown) or all; returns how many were removed."""
        if fault_id is None:
            removed = len(self._rules)
            self._rules.clear()
            return removed
        for rule in self._rules:
            if rule.id == fault_id:
                self._rules.remove(rule)
                return 1
        raise KeyError(f"no fault {fault_id}")


def concerned_chat(params: Mapping[str, Any], callback_user: Callable[[str], int | None]) -> int | None:
    """The chat a call concerns, from its raw parameters: chat_id, user_id, or for a callback answer
    the user who pressed the button."""
    for key in ("chat_id", "user_id"):
        value = params.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                continue
    query_id = params.get("callback_query_id")
    if isinstance(query_id, str):
        return callback_user(query_id)
    return None
