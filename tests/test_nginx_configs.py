"""The nginx sites a region deploys pass nginx's own check (`nginx -t`), with their upstream hosts on this
machine and a throwaway certificate; and the balancer the cluster tests start is that same file."""

from __future__ import annotations

import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.services import BALANCER_CONF, ROOT, nginx_check, render_site

SYSTEMD_SITE = ROOT / "deploy" / "nginx" / "attestation-bot-site.conf"


def _self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bot.example.kz")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_compose_balancer_passes_nginx_check() -> None:
    # bot-1 and bot-2 are compose's service names; here they are two local ports.
    site = render_site(BALANCER_CONF.read_text(), upstreams=["127.0.0.1:18081", "127.0.0.1:18082"])
    result = nginx_check(site)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_systemd_site_passes_nginx_check(tmp_path: Path) -> None:
    site = render_site(SYSTEMD_SITE.read_text(), certificate=_self_signed(tmp_path))
    result = nginx_check(site)
    assert result.returncode == 0, result.stderr


def test_check_fails_on_a_broken_site() -> None:
    # The check is nginx's own: a directive it does not know fails it, so the tests above can fail.
    site = render_site(BALANCER_CONF.read_text(), upstreams=["127.0.0.1:18081"]).replace(
        "proxy_connect_timeout", "proxy_connect_timeuot")
    assert nginx_check(site).returncode != 0


def test_balancer_keeps_the_shipped_proxy_settings() -> None:
    shipped = BALANCER_CONF.read_text()
    rendered = render_site(shipped, upstreams=["127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3"], listen="127.0.0.1:9")
    assert "proxy_next_upstream error timeout http_502 http_503 non_idempotent;" in rendered
    assert rendered.count("max_fails=1 fail_timeout=5s;") == 3
    assert "bot-1" not in rendered and "listen 127.0.0.1:9;" in rendered
    kept = [line for line in shipped.splitlines() if "server bot-" not in line and "listen" not in line]
    assert all(line in rendered.splitlines() for line in kept)
