"""Verifiable certificates and extracts: codes, signed QR payloads, the registry, /verify, the page, revocation."""
