"""Marker for translatable strings in pure code.

`scoring/` must not import aiogram, yet its messages reach users in Kazakh or Russian.
Strings are marked with ``N_`` so ``pybabel extract`` finds them; the bot translates them
when it renders (``_(message.text).format(**message.params)``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def N_(text: str) -> str:
    return text


@dataclass(frozen=True)
class Phrase:
    """An English source string (a gettext msgid) with the values to format into it."""

    text: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, translate: Any = None) -> str:
        """Translate the template (and any nested Phrase parameters) and format it."""
        tr = translate or (lambda text: text)
        params = {k: (v.render(tr) if isinstance(v, Phrase) else v) for k, v in self.params.items()}
        return str(tr(self.text)).format(**params)
