"""The code stays lint- and type-clean: ruff and mypy, as configured in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_is_clean() -> None:
    result = run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout[-3000:]


def test_mypy_is_clean() -> None:
    result = run("mypy", "app", "bot", "features", "scoring", "storage", "sandbox", "main.py", "benchmarks")
    assert result.returncode == 0, result.stdout[-3000:]
