"""pybabel extraction of a rule set's texts (titles, evidence, notes, labels, indicators), so the
translations in locales/*.po follow the sheets that live in TOML (babel.cfg names this extractor)."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from typing import IO, Any

TEXT_KEYS = frozenset({"title", "evidence", "notes", "label", "indicators"})
# Tables whose texts the bot never shows (the order's own name and clauses are kept as printed).
NOT_SHOWN = frozenset({"ruleset"})


def texts(node: Any, key: str = "") -> Iterator[str]:
    if isinstance(node, dict):
        for name, value in node.items():
            if name not in NOT_SHOWN:
                yield from texts(value, name)
    elif isinstance(node, list):
        for item in node:
            yield from texts(item, key)
    elif isinstance(node, str) and key in TEXT_KEYS:
        yield node


def extract_ruleset(
    fileobj: IO[bytes], keywords: object, comment_tags: object, options: object
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel's extractor interface: (line, function, message, comments) for every shown text."""
    data = tomllib.load(fileobj)
    for text in dict.fromkeys(texts(data)):
        yield 1, None, text, []
