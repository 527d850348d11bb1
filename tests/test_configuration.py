"""Every setting is documented: in the README's table and in .env.example, with the same defaults."""

from __future__ import annotations

import re
from pathlib import Path

from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def example() -> dict[str, str]:
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_env_example_lists_every_setting_with_its_default() -> None:
    values = example()
    assert set(values) == {name.upper() for name in Settings.model_fields}
    # Loaded as a .env, the example gives exactly the defaults (blank means "not set").
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    loaded = Settings(_env_file=ROOT / ".env.example")  # type: ignore[call-arg]
    assert loaded.model_dump() == defaults.model_dump()
    assert loaded.rules_file is None and loaded.redis_url is None and not loaded.use_webhook


def test_the_readme_documents_every_setting() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)`", readme, flags=re.MULTILINE))
    assert {name.upper() for name in Settings.model_fields} <= documented
