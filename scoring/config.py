"""Loads the configurable rules (scoring/rules.toml, or the file named by RULES_FILE)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import time
from functools import lru_cache
from pathlib import Path
from typing import Any

DEFAULT_RULES_FILE = Path(__file__).with_name("rules.toml")


@dataclass(frozen=True)
class Rules:
    raw: dict[str, Any]

    def _section(self, name: str) -> dict[str, Any]:
        section = self.raw.get(name, {})
        assert isinstance(section, dict)
        return section

    @property
    def window(self) -> dict[str, int]:
        return self._section("window")

    @property
    def working_start(self) -> time:
        return time.fromisoformat(self._section("working_hours")["start"])

    @property
    def working_end(self) -> time:
        return time.fromisoformat(self._section("working_hours")["end"])

    @property
    def essay_min(self) -> int:
        return int(self._section("essay")["min_words"])

    @property
    def essay_max(self) -> int:
        return int(self._section("essay")["max_words"])

    @property
    def retirement(self) -> dict[str, int]:
        return self._section("retirement")

    @property
    def early(self) -> dict[str, Any]:
        return self._section("early")

    @property
    def test_thresholds(self) -> dict[str, int]:
        return self._section("test_thresholds")

    @property
    def observation(self) -> dict[str, int]:
        return self._section("observation")

    @property
    def self_assessment(self) -> dict[str, int]:
        return self._section("self_assessment")

    @property
    def voting(self) -> dict[str, Any]:
        return self._section("voting")

    @property
    def reminders(self) -> dict[str, Any]:
        return self._section("reminders")

    @property
    def commission(self) -> dict[str, Any]:
        return self._section("commission")

    @property
    def retention(self) -> dict[str, Any]:
        return self._section("retention")


def load_rules(path: str | os.PathLike[str] | None = None) -> Rules:
    """Read the defaults, then overlay the file at `path` (or $RULES_FILE) key by key."""
    with DEFAULT_RULES_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    override = path or os.environ.get("RULES_FILE")
    if override:
        with Path(override).open("rb") as fh:
            _merge(data, tomllib.load(fh))
    return Rules(data)


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value


@lru_cache(maxsize=1)
def default_rules() -> Rules:
    return load_rules()
