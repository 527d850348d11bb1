"""Offline check of a certificate's QR code with only the published public key (needs no bot, no database).

    python -m features.verification verify --public-key key.pem "AV1.…"   (or the link the QR code holds)
    python -m features.verification public-key                              (this deployment's, from SIGNING_KEY_FILE)

`verify` prints the signed facts and VALID, or INVALID and exits with 1. A signature shows the facts are the
department's; whether the document was revoked since is known only online (/verify CODE, the page).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from features.verification.keys import fingerprint, load_public_key, public_pem
from features.verification.payload import Facts, InvalidPayload, display_code, masked_iin, verify

INVALID_EXIT, USAGE_EXIT = 1, 2


def describe(facts: Facts) -> list[str]:
    return [
        f"Document:            {facts.kind}",
        f"Code:                {display_code(facts.code)}",
        f"Full name:           {facts.full_name}",
        f"IIN:                 {masked_iin(facts.iin_last4)}",
        f"Category:            {facts.category}",
        f"Decided on:          {facts.decided_on.isoformat()}",
        f"Commission:          {facts.commission}",
        f"Valid until:         {facts.valid_until.isoformat() if facts.valid_until else '-'}",
        f"Number:              {facts.number or '-'}",
    ]


def run_verify(key_file: Path, payload: str) -> int:
    try:
        key = load_public_key(key_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"Cannot read the public key {key_file}: {error}", file=sys.stderr)
        return USAGE_EXIT
    try:
        facts = verify(payload, key)
    except InvalidPayload as error:
        print(f"INVALID: {error}. The QR code was altered or not signed with this key.")
        return INVALID_EXIT
    print("\n".join(describe(facts)))
    print("VALID: the signature is the education authority's and matches these facts.")
    print(f"Check the code online for revocation: /verify {display_code(facts.code)} in the bot, or the "
          "verification page.")
    return 0


def run_public_key() -> int:
    from bot.settings import get_settings
    from features.verification.keys import signing_key

    key = signing_key(get_settings().signing_key_path).public_key()
    print(public_pem(key), end="")
    print(f"Fingerprint: {fingerprint(key)}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m features.verification", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("verify", help="check a QR code's text offline")
    check.add_argument("--public-key", type=Path, required=True, help="the published key (PEM or raw base64)")
    check.add_argument("payload", help="the text of the QR code: AV1.… or a verification link")
    commands.add_parser("public-key", help="print this deployment's public key (from SIGNING_KEY_FILE)")
    args = parser.parse_args(argv)
    if args.command == "verify":
        return run_verify(args.public_key, args.payload)
    return run_public_key()


if __name__ == "__main__":
    sys.exit(main())
