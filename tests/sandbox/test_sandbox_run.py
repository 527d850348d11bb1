"""`python -m sandbox`: one command starts the server, the page and the real bot; SIGTERM stops both."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import urllib.request
from pathlib import Path

import pytest

from sandbox.demo import CAST, DEMO_ADMIN_ID
from sandbox.run import SandboxConfig, parse_args

from .launch import launched, sandbox_env


def get_json(url: str) -> object:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)["result"]


def test_one_command_runs_page_and_bot_with_demo_data(tmp_path: Path) -> None:
    data = tmp_path / "sandbox"
    with launched(["-m", "sandbox", "--demo"], sandbox_env(data)) as run:
        with urllib.request.urlopen(run.url, timeout=10) as response:
            assert b"/static/app.js" in response.read()
        base = run.url.rstrip("/")
        bots = get_json(base + "/sandbox/api/bots")
        assert isinstance(bots, list) and bots[0]["username"] == "attestation_sandbox_bot"
        users = get_json(base + "/sandbox/api/users")
        assert isinstance(users, list) and {u["id"] for u in users} == {p.id for p in CAST}
        bot_pid = _child_pids(run.proc.pid)
        assert bot_pid, "the bot runs as a child process"
        assert run.stop() == 0
    output = "\n".join(run.lines)
    assert f"{base}/?user={DEMO_ADMIN_ID}" in output and "Stopping the sandbox" in output
    assert not _alive(bot_pid), "the bot process is stopped with the sandbox"
    assert (data / "bot.log").exists()
    with sqlite3.connect(data / "bot.db") as conn:
        assert conn.execute("select count(*) from teacher_profiles").fetchone()[0] >= 2


def _child_pids(pid: int) -> list[int]:
    result = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False)
    return [int(p) for p in result.stdout.split()]


def _alive(pids: list[int]) -> bool:
    return any(Path(f"/proc/{pid}").exists() and "zombie" not in _status(pid) for pid in pids)


def _status(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return "gone"


def test_options_and_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("SANDBOX_PORT", "SANDBOX_DIR", "SANDBOX_DEMO"):
        monkeypatch.delenv(name, raising=False)
    config = parse_args([])
    assert isinstance(config, SandboxConfig)
    assert config.port == 8081 and config.port_fallback and config.data_dir == Path("sandbox-data")
    config = parse_args(["--port", "0", "--data", str(tmp_path), "--demo"])
    assert config.port == 0 and not config.port_fallback and config.data_dir == tmp_path and config.demo
    monkeypatch.setenv("SANDBOX_PORT", "9000")
    monkeypatch.setenv("SANDBOX_DIR", str(tmp_path / "env"))
    config = parse_args([])
    assert config.port == 9000 and not config.port_fallback and config.data_dir == tmp_path / "env"
