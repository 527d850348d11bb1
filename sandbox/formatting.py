"""Text formatting as Telegram applies it: HTML parse_mode into plain text plus entities.

Entity offsets and lengths are in UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sandbox.errors import bad_request


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


_HTML_TAGS: dict[str, str] = {
    "b": "bold", "strong": "bold",
    "i": "italic", "em": "italic",
    "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler",
    "a": "text_link",
    "code": "code", "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ATTR_RE = re.compile(r"""\s*([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_ENTITY_RE = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);")


def _unescape(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("#x") or name.startswith("#X"):
            return chr(int(name[2:], 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
        # Unknown named entities stay literal, as Telegram leaves them.
        return _NAMED_ENTITIES.get(name, match.group(0))

    return _ENTITY_RE.sub(repl, text)


@dataclass
class _Open:
    tag: str
    kind: str
    offset: int
    attrs: dict[str, str] = field(default_factory=dict)


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def _parse_attrs(raw: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    pos = 0
    while pos < len(raw):
        match = _ATTR_RE.match(raw, pos)
        if not match or match.end() == pos:
            break
        value = match.group(2) or match.group(3) or match.group(4) or ""
        attrs[match.group(1).lower()] = _unescape(value)
        pos = match.end()
    return attrs


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities of an HTML-formatted message, or Telegram's parse error."""
    return _HtmlParser(source).parse()


def _entity_of(top: _Open, length: int) -> dict[str, Any]:
    entity: dict[str, Any] = {"type": top.kind, "offset": top.offset, "length": length}
    if top.kind == "text_link":
        entity["url"] = top.attrs.get("href", "")
    elif top.kind == "custom_emoji":
        entity["custom_emoji_id"] = top.attrs.get("emoji-id", "")
    elif top.kind == "pre" and top.attrs.get("language"):
        entity["language"] = top.attrs["language"]
    elif top.kind == "blockquote" and "expandable" in top.attrs:
        entity["type"] = "expandable_blockquote"
    return entity


class _HtmlParser:
    """One pass over the source: text runs, character references, end tags and start tags."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.out: list[str] = []
        self.offset = 0
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []

    def parse(self) -> tuple[str, list[dict[str, Any]]]:
        i = 0
        while i < len(self.source):
            char = self.source[i]
            if char == "&":
                i = self._reference(i)
            elif char != "<":
                i = self._text(i)
            else:
                i = self._tag(i)
        if self.stack:
            raise bad_request("can't parse entities: Can't find end tag corresponding to start tag "
                              f'"{self.stack[-1].tag}"')
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def _emit(self, piece: str) -> None:
        self.out.append(piece)
        self.offset += utf16_len(piece)

    def _reference(self, i: int) -> int:
        match = _ENTITY_RE.match(self.source, i)
        self._emit(_unescape(match.group(0)) if match else "&")
        return match.end() if match else i + 1

    def _text(self, i: int) -> int:
        j = i
        while j < len(self.source) and self.source[j] not in "<&":
            j += 1
        self._emit(self.source[i:j])
        return j

    def _tag(self, i: int) -> int:
        end = self.source.find(">", i)
        if end == -1:
            raise bad_request(f"can't parse entities: Unclosed start tag at byte offset {_byte_offset(self.source, i)}")
        body = self.source[i + 1:end]
        if body.startswith("/"):
            self._end_tag(body[1:].strip().lower(), i)
        else:
            self._start_tag(body, i)
        return end + 1

    def _end_tag(self, name: str, i: int) -> None:
        at = _byte_offset(self.source, i)
        if not self.stack:
            raise bad_request(f"can't parse entities: Unexpected end tag at byte offset {at}")
        top = self.stack.pop()
        if name and name != top.tag:
            raise bad_request(f"can't parse entities: Unmatched end tag at byte offset {at}, "
                              f'expected "</{top.tag}>", found "</{name}>"')
        length = self.offset - top.offset
        if length > 0:
            self.entities.append(_entity_of(top, length))

    def _start_tag(self, body: str, i: int) -> None:
        match = re.match(r"([a-zA-Z][-a-zA-Z0-9]*)", body)
        name = match.group(1).lower() if match else ""
        at = _byte_offset(self.source, i)
        if name not in _HTML_TAGS:
            raise bad_request(f'can\'t parse entities: Unsupported start tag "{name or body}" at byte offset {at}')
        attrs = _parse_attrs(body[len(name):].rstrip("/"))
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise bad_request(f'can\'t parse entities: Tag "span" must have class "tg-spoiler" at byte offset {at}')
        stack = self.stack
        if name == "code" and stack and stack[-1].tag == "pre" and attrs.get("class", "").startswith("language-"):
            # <pre><code class="language-x"> is one pre entity with a language, not two entities.
            stack[-1].attrs["language"] = attrs["class"][len("language-"):]
        stack.append(_Open(name, _HTML_TAGS[name], self.offset, attrs))


def format_text(text: str, parse_mode: str | None, entities: Any) -> tuple[str, list[dict[str, Any]]]:
    """The text and entities a message ends up with, given what the bot sent."""
    if entities:
        if not isinstance(entities, list):
            raise bad_request("can't parse entities JSON object")
        return text, [e for e in entities if isinstance(e, dict)]
    mode = (parse_mode or "").strip().lower()
    if mode == "html":
        return parse_html(text)
    if mode in {"", "markdown", "markdownv2"}:
        # Markdown modes are kept verbatim: the sandbox shows the bot's own text rather than guess
        # at Telegram's Markdown rules; the project's handlers use HTML or plain text.
        return text, []
    raise bad_request(f"unsupported parse_mode {parse_mode}")


def command_entities(text: str) -> list[dict[str, Any]]:
    """Telegram marks a leading "/command" (with an optional @botname) as a bot_command."""
    match = re.match(r"/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,64})?", text)
    if not match:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}]
