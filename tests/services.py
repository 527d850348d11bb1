"""Throwaway PostgreSQL, Redis, nginx and S3 servers on loopback for backend tests (see
scripts/install-services.sh; the S3 server is moto's, a dev dependency). nginx runs the balancer a region deploys,
deploy/nginx/attestation-bot.conf, with only its upstream servers and listen port rendered for this machine."""

from __future__ import annotations

import glob
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BALANCER_CONF = ROOT / "deploy" / "nginx" / "attestation-bot.conf"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _missing(what: str) -> None:
    # On CI the set-up installs the servers, so their absence is a failure there, not a skip.
    if os.environ.get("CI"):
        pytest.fail(f"{what} is not installed: scripts/install-services.sh should have installed it")
    pytest.skip(f"{what} is not installed (scripts/install-services.sh installs it)")


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yields an asyncpg URL of a fresh database; the cluster is deleted afterwards."""
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not bins:
        _missing("PostgreSQL")
    bindir = os.path.dirname(bins[-1])
    tmp = tempfile.mkdtemp(prefix="pg-")
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres", "postgres")
    data, port = os.path.join(tmp, "data"), free_port()
    run = lambda *a: subprocess.run(_as_postgres(list(a)), check=True, capture_output=True)  # noqa: E731
    run(f"{bindir}/initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
    run(f"{bindir}/pg_ctl", "-D", data, "-w", "-l", os.path.join(tmp, "log"), "start", "-o",
        f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off")
    try:
        run(f"{bindir}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "bot")
        yield f"postgresql+asyncpg://postgres@127.0.0.1:{port}/bot"
    finally:
        subprocess.run(_as_postgres([f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on port {port} in {seconds} s")


@contextmanager
def s3_server() -> Iterator[str]:
    """Yields the endpoint URL of a real S3 HTTP API on 127.0.0.1: moto's standalone server, in its own
    process (any access key and secret are accepted)."""
    binary = Path(sys.executable).with_name("moto_server")
    if not binary.exists():
        _missing("moto_server (pip install -e '.[dev]')")
    port = free_port()
    proc = subprocess.Popen([str(binary), "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(port, proc, "moto_server")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextmanager
def redis_server() -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        _missing("Redis")
    port = free_port()
    proc = subprocess.Popen([str(binary), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def nginx_binary() -> str:
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if binary is None:
        _missing("nginx")
    return str(binary)


_UPSTREAM_SERVER = re.compile(r"^(?P<indent>[ \t]*)server[ \t]+(?P<host>[^\s;]+)(?P<params>[^;\n]*);[ \t]*$", re.M)
_LISTEN = re.compile(r"^(?P<indent>[ \t]*)listen[ \t]+(?P<address>[^\s;]+)(?P<params>[^;\n]*);", re.M)
_CERTIFICATE = re.compile(r"^(?P<indent>[ \t]*)(?P<directive>ssl_certificate(?:_key)?)[ \t]+[^;\n]+;", re.M)


def render_site(text: str, *, upstreams: Sequence[str] | None = None, listen: str | None = None,
                certificate: tuple[Path, Path] | None = None) -> str:
    """A deployed nginx site with its upstream's `server` lines replaced by one per address in `upstreams`
    (each keeping the first line's parameters: max_fails, fail_timeout), its `listen` address and its TLS
    certificate and key files replaced; every other line — the proxy settings under test — stays as shipped."""
    if upstreams is not None:
        servers = list(_UPSTREAM_SERVER.finditer(text))
        if not servers:
            raise ValueError("the site has no upstream `server` lines")
        first = servers[0]
        lines = "\n".join(f"{first['indent']}server {address}{first['params']};" for address in upstreams)
        text = text[:first.start()] + lines + text[servers[-1].end():]
    if listen is not None:
        text = _LISTEN.sub(lambda m: f"{m['indent']}listen {listen}{m['params']};", text)
    if certificate is not None:
        files = {"ssl_certificate": certificate[0], "ssl_certificate_key": certificate[1]}
        text = _CERTIFICATE.sub(lambda m: f"{m['indent']}{m['directive']} {files[m['directive']]};", text)
    return text


def _nginx_conf(prefix: Path, site: str) -> str:
    # The site goes inside http {} as the stock nginx.conf includes conf.d/ and sites-enabled/; the rest keeps
    # every path in the throwaway prefix, so no file of the machine's own nginx is read or written.
    temp = "\n".join(f"    {kind}_temp_path {prefix / kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                                            "uwsgi", "scgi"))
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (f"{user}daemon off;\nworker_processes 1;\npid {prefix / 'nginx.pid'};\n"
            f"error_log {prefix / 'error.log'} notice;\nevents {{ worker_connections 1024; }}\n"
            f"http {{\n    log_format upstreams '$request_method $request_uri $status $upstream_addr';\n"
            f"    access_log {prefix / 'access.log'} upstreams;\n{temp}\n{site}\n}}\n")


def _nginx_prefix() -> Path:
    prefix = Path(tempfile.mkdtemp(prefix="nginx-"))
    (prefix / "logs").mkdir()
    return prefix


def nginx_check(site: str) -> subprocess.CompletedProcess[str]:
    """`nginx -t` on a site, included in http {} as a deployment's nginx.conf includes it."""
    binary = nginx_binary()
    prefix = _nginx_prefix()
    try:
        conf = prefix / "nginx.conf"
        conf.write_text(_nginx_conf(prefix, site))
        return subprocess.run([binary, "-t", "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")],
                              capture_output=True, text=True, timeout=30)
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


@contextmanager
def nginx_balancer(upstream_ports: Sequence[int], *, site: Path = BALANCER_CONF) -> Iterator[str]:
    """Yields the base URL (http://127.0.0.1:PORT) of a throwaway nginx balancing over the workers on these
    local ports with the region's own config; stopped and deleted afterwards. `nginx_log(url)` reads its error
    log (an upstream that failed, a request passed on to the next)."""
    binary = nginx_binary()
    prefix = _nginx_prefix()
    port = free_port()
    conf = prefix / "nginx.conf"
    rendered = render_site(site.read_text(), upstreams=[f"127.0.0.1:{p}" for p in upstream_ports],
                           listen=f"127.0.0.1:{port}")
    conf.write_text(_nginx_conf(prefix, rendered))
    proc = subprocess.Popen([binary, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    _nginx_logs[url] = prefix / "error.log"
    try:
        try:
            _wait_for_port(port, proc, "nginx", seconds=15)
        except RuntimeError as error:
            raise RuntimeError(f"{error}: {(prefix / 'error.log').read_text(errors='replace')[-2000:]}") from None
        yield url
    finally:
        _nginx_logs.pop(url, None)
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        shutil.rmtree(prefix, ignore_errors=True)


_nginx_logs: dict[str, Path] = {}


def nginx_log(url: str, name: str = "error.log") -> str:
    """The error log of the running balancer at `url` (upstreams that failed, retries to the next one), or with
    name="access.log" its requests, a line each: method, URI, status, the upstreams tried ("a:p, b:p")."""
    path = _nginx_logs.get(url)
    path = path.with_name(name) if path is not None else None
    return path.read_text(errors="replace") if path is not None and path.exists() else ""
