"""Start the sandbox as a person does (a command in a terminal), read its address, stop it with SIGTERM."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE_LINE = re.compile(r"Open the chat page:\s+(http://127\.0\.0\.1:\d+/)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Launched:
    proc: subprocess.Popen[str]
    url: str
    lines: list[str] = field(default_factory=list)

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM, as a service manager or Ctrl-C would; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)


def sandbox_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "SANDBOX")}
    return {**env, "SANDBOX_PORT": str(free_port()), "SANDBOX_DIR": str(data_dir), "LOG_LEVEL": "WARNING", **extra}


@contextmanager
def launched(args: list[str], env: dict[str, str], timeout: float = 90.0) -> Iterator[Launched]:
    """Run `python <args>` in the project folder until it prints the chat page's address."""
    proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    seen: list[str] = []
    try:
        deadline = time.monotonic() + timeout
        url = None
        while url is None:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no address printed within {timeout}s:\n" + "\n".join(seen)) from None
            if line is None:
                raise AssertionError(f"exited with {proc.wait()} before printing an address:\n" + "\n".join(seen))
            seen.append(line)
            match = PAGE_LINE.search(line)
            url = match.group(1) if match else None
        launched = Launched(proc, url, seen)
        yield launched
        # Whatever it printed after the address (e.g. on shutdown) is read once it has exited.
        launched.stop()
        while (line := lines.get(timeout=5)) is not None:
            seen.append(line)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
