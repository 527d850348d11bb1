"""Every user-visible string is translated: the catalogues cover all extracted strings, none fuzzy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ("kk", "ru")


def catalogue(locale: str):  # type: ignore[no-untyped-def]
    with (ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=locale)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_", "-k", "__",
         "-k", "N_", "-k", "lazy_gettext", "-o", str(pot), "--no-location", "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as fh:
        return {m.id for m in read_po(fh) if m.id and isinstance(m.id, str)}


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_has_no_untranslated_or_fuzzy_entry(locale: str) -> None:
    problems = []
    for message in catalogue(locale):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(message.id)
    assert problems == [], f"{locale}: untranslated or fuzzy: {problems[:10]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_covers_every_string_in_the_code(locale: str, extracted: set[str]) -> None:
    known = {m.id for m in catalogue(locale) if m.id}
    missing = sorted(extracted - known)
    assert missing == [], f"{locale}: not in the catalogue (run `make locales` and translate): {missing[:10]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_survive_translation(locale: str) -> None:
    import re

    field = re.compile(r"\{[a-z_]+\}")
    for message in catalogue(locale):
        if message.id and isinstance(message.id, str) and message.string:
            assert set(field.findall(message.id)) == set(field.findall(str(message.string))), message.id
