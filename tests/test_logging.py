"""LOG_FORMAT: lines for a person, or one JSON object per line for a region's log collector."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

import main
from tests.conftest import settings_for


@pytest.fixture
def root_handlers() -> Iterator[None]:
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    yield
    root.handlers[:] = saved
    root.setLevel(level)


def test_json_logs_are_one_object_per_line(root_handlers: None, capsys: pytest.CaptureFixture[str]) -> None:
    settings = settings_for("sqlite+aiosqlite:///:memory:").model_copy(update={"log_format": "json"})
    main.configure_logging(settings)
    logging.getLogger("attestation-bot").warning("Routed %s application(s)", 3)
    line = capsys.readouterr().err.strip().splitlines()[-1]
    record = json.loads(line)
    assert (record["level"], record["logger"], record["message"]) == ("WARNING", "attestation-bot",
                                                                      "Routed 3 application(s)")
    assert "time" in record


def test_text_logs_stay_lines(root_handlers: None, capsys: pytest.CaptureFixture[str]) -> None:
    main.configure_logging(settings_for("sqlite+aiosqlite:///:memory:"))
    logging.getLogger("attestation-bot").warning("Routed %s application(s)", 3)
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert line.endswith("WARNING attestation-bot: Routed 3 application(s)")
