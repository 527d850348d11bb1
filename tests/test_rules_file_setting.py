"""RULES_FILE is read one way, like every setting: from the environment or from .env; the rules follow."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import get_settings
from scoring.config import default_rules, use_rules_file

TEST_SET = Path(__file__).resolve().parent / "scoring" / "data" / "2025-test.toml"


@pytest.fixture
def fresh_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RULES_FILE", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()
    use_rules_file(None)


def test_a_rules_file_named_in_dot_env_is_the_rules(fresh_settings: Path) -> None:
    override = fresh_settings / "essay.toml"
    override.write_text("[essay]\nmin_words = 100\n", encoding="utf-8")
    (fresh_settings / ".env").write_text(f"RULES_FILE={override}\n", encoding="utf-8")
    assert get_settings().rules_file == override
    assert default_rules().essay_min == 100 and default_rules().essay_max == 300


def test_a_whole_rule_set_named_in_the_environment_is_the_rules(fresh_settings: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RULES_FILE", str(TEST_SET))
    get_settings()
    assert default_rules().windows == [((9, 15), (11, 30)), ((1, 15), (5, 31))]


def test_without_a_rules_file_the_rules_are_the_pilots(fresh_settings: Path) -> None:
    assert get_settings().rules_file is None
    assert default_rules().windows == [((9, 1), (12, 31))]
