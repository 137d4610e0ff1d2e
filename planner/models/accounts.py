from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from planner.models.base import TimestampedModel

TOKEN_PREFIX = "bw_"  # noqa: S105 - a visible prefix so leaked tokens are recognizable, not a secret


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token() -> str:
    """A personal API token: 256 random bits, shown once; only its SHA-256 is stored."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiToken(TimestampedModel):
    """A personal token for scripts (``Authorization: Token bw_…``). Revoking deletes it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(
        max_length=12, editable=False, help_text="The first characters, to tell tokens apart."
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["user", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(key_hash__regex=r"^[0-9a-f]{64}$"), name="apitoken_hash_sha256"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="apitoken_name_required"),
            models.UniqueConstraint(fields=["user", "name"], name="apitoken_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"
