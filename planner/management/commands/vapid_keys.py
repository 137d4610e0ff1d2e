"""``manage.py vapid_keys [--write PATH]``: a new VAPID key pair for Web Push.

Prints ``VAPID_PUBLIC_KEY=…`` and ``VAPID_PRIVATE_KEY=…`` lines for an env file (both
base64url without padding: the public key is the uncompressed P-256 point browsers take as
``applicationServerKey``, the private key the raw 32-byte scalar pywebpush reads). With
``--write`` they go to PATH (mode 0600) instead; an existing file is kept unless ``--force``.
Generate once per deployment: a new pair invalidates every browser's subscription.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management.base import BaseCommand, CommandError


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def generate() -> tuple[str, str]:
    """(public, private) as base64url."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(public), b64url(private)


def env_lines(public: str, private: str) -> str:
    return f"VAPID_PUBLIC_KEY={public}\nVAPID_PRIVATE_KEY={private}\n"


class Command(BaseCommand):
    help = "Generate a VAPID key pair for Web Push (prints env lines, or --write PATH)."

    def add_arguments(self, parser):
        parser.add_argument("--write", metavar="PATH", help="Write the lines to PATH (0600).")
        parser.add_argument("--force", action="store_true", help="Overwrite PATH if it exists.")

    def handle(self, *args: Any, **options: Any) -> None:
        public, private = generate()
        lines = env_lines(public, private)
        target = options["write"]
        if not target:
            self.stdout.write(lines, ending="")
            return
        path = Path(target)
        if path.exists() and not options["force"]:
            raise CommandError(f"{path} exists; keep it, or pass --force to replace it")
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write("# Web Push key pair for this Boardwalk (manage.py vapid_keys)\n" + lines)
        self.stdout.write(f"wrote {path}")
