"""Serializers: Web Push key and subscriptions, in-app notifications."""

from __future__ import annotations

import base64
import binascii

from cryptography.hazmat.primitives.asymmetric import ec
from rest_framework import serializers

from planner.api.serializers.fields import JsonStrings
from planner.api.serializers.query import QuerySerializer
from planner.models import Notification, PushSubscription
from planner.notifications import push

P256DH_BYTES = 65  # an uncompressed P-256 point: 0x04 || x || y
AUTH_BYTES = 16  # RFC 8291's authentication secret
BASE64URL_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _b64url_bytes(value: str, *, length: int) -> bytes:
    stripped = value.rstrip("=")
    if not stripped or not set(stripped) <= BASE64URL_ALPHABET:
        raise serializers.ValidationError("Must be base64url (A–Z, a–z, 0–9, - and _).")
    try:
        raw = base64.urlsafe_b64decode(stripped + "=" * (-len(stripped) % 4))
    except (binascii.Error, ValueError):
        raise serializers.ValidationError("Must be base64url.") from None
    if len(raw) != length:
        raise serializers.ValidationError(f"Must decode to {length} bytes (got {len(raw)}).")
    return raw


class PushKeySerializer(serializers.Serializer):
    public_key = serializers.CharField(
        help_text="The VAPID public key (base64url, an uncompressed P-256 point): pass it to "
        "PushManager.subscribe() as applicationServerKey. Empty when Web Push is not configured."
    )
    enabled = serializers.BooleanField(help_text="Whether this server can send Web Push.")


class PushKeysSerializer(serializers.Serializer):
    # The schema states the alphabet and length (65 bytes → 87 characters, 16 → 22, padding
    # optional); that p256dh is a point on the curve is checked below.
    p256dh = serializers.RegexField(
        r"^[A-Za-z0-9_-]{86}[AEIMQUYcgkosw048]=?$",
        help_text="The browser's P-256 public key, base64url (65 bytes).",
    )
    auth = serializers.RegexField(
        r"^[A-Za-z0-9_-]{21}[AQgw](==)?$",
        help_text="The authentication secret, base64url (16 bytes).",
    )

    def validate_p256dh(self, value: str) -> str:
        raw = _b64url_bytes(value, length=P256DH_BYTES)
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        except ValueError:
            raise serializers.ValidationError("Not a point on the P-256 curve.") from None
        return value.rstrip("=")

    def validate_auth(self, value: str) -> str:
        _b64url_bytes(value, length=AUTH_BYTES)
        return value.rstrip("=")


class PushSubscriptionWriteSerializer(JsonStrings, serializers.Serializer):
    """What ``PushSubscription.toJSON()`` gives in the browser."""

    endpoint = serializers.URLField(max_length=1000, help_text="The push service's URL.")
    keys = PushKeysSerializer()
    expirationTime = serializers.IntegerField(
        required=False, allow_null=True, help_text="Ignored (the push service says when)."
    )

    def validate_endpoint(self, value: str) -> str:
        try:
            push.check_endpoint(value)
        except push.EndpointRefused as error:
            raise serializers.ValidationError(str(error)) from None
        return value


class PushSubscriptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PushSubscription
        fields = ["id", "endpoint", "created_at", "last_success_at"]
        read_only_fields = fields


class PushSubscriptionDeleteQuerySerializer(QuerySerializer):
    endpoint = serializers.CharField(
        max_length=1000, help_text="The endpoint of the subscription to forget."
    )


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField(help_text="Whether it has been marked read.")

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "read"]
        read_only_fields = fields

    def get_read(self, obj: Notification) -> bool:
        return obj.read_at is not None


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread and are now read.")
    unread = serializers.IntegerField(help_text="Unread notifications left (0).")
