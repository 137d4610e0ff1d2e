"""Badge tokens: stop storing them (issue 9, defect 8).

A badge's token is now derived from a random per-badge salt with BADGE_TOKEN_KEY
(``planner.models.attendee.badge_token_for``); the row keeps the salt and the token's
SHA-256, which scans look up. The tokens stored until now cannot be derived, so every
attendee gets a new badge: the old token's hash goes to RetiredBadge (a printed old badge
scans as "replaced") and the plaintext column is dropped.

Reversible: going back restores a ``badge_token`` column holding each attendee's current
(derived) token, so badges shown since keep working; the retired hashes stay.
"""

import base64
import hashlib
import secrets

from django.conf import settings
from django.db import migrations, models
from django.utils.crypto import salted_hmac

import planner.models.attendee


def _sha256(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _derived(salt: str) -> str:
    # The same derivation as planner.models.attendee.badge_token_for, frozen here so this
    # migration keeps meaning what it meant if that function ever changes.
    mac = salted_hmac("planner.badge", salt, secret=settings.BADGE_TOKEN_KEY, algorithm="sha256")
    return base64.urlsafe_b64encode(mac.digest()[:24]).decode()


def hash_and_retire(apps, schema_editor):
    Attendee = apps.get_model("planner", "Attendee")
    RetiredBadge = apps.get_model("planner", "RetiredBadge")
    retired, changed = [], []
    for attendee in Attendee.objects.only("pk", "badge_token").iterator(chunk_size=1000):
        retired.append(RetiredBadge(attendee_id=attendee.pk, token_hash=_sha256(attendee.badge_token)))
        attendee.badge_salt = secrets.token_urlsafe(16)
        attendee.badge_token_hash = _sha256(_derived(attendee.badge_salt))
        attendee.badge_token = None
        changed.append(attendee)
    RetiredBadge.objects.bulk_create(retired, batch_size=1000, ignore_conflicts=True)
    Attendee.objects.bulk_update(
        changed, ["badge_salt", "badge_token_hash", "badge_token"], batch_size=1000
    )


def restore_plaintext(apps, schema_editor):
    Attendee = apps.get_model("planner", "Attendee")
    changed = []
    for attendee in Attendee.objects.only("pk", "badge_salt").iterator(chunk_size=1000):
        attendee.badge_token = _derived(attendee.badge_salt)
        changed.append(attendee)
    Attendee.objects.bulk_update(changed, ["badge_token"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("planner", "0008_feeds_and_badges"),
    ]

    operations = [
        migrations.AddField(
            model_name="attendee",
            name="badge_salt",
            field=models.CharField(editable=False, max_length=32, null=True),
        ),
        migrations.AddField(
            model_name="attendee",
            name="badge_token_hash",
            field=models.CharField(editable=False, max_length=64, null=True, unique=True),
        ),
        migrations.RemoveConstraint(
            model_name="attendee",
            name="attendee_badge_token_required",
        ),
        migrations.AlterField(
            model_name="attendee",
            name="badge_token",
            field=models.CharField(editable=False, max_length=64, null=True, unique=True),
        ),
        migrations.RunPython(hash_and_retire, restore_plaintext, elidable=False),
        migrations.RemoveField(
            model_name="attendee",
            name="badge_token",
        ),
        migrations.AlterField(
            model_name="attendee",
            name="badge_salt",
            field=models.CharField(
                default=planner.models.attendee.new_badge_salt, editable=False, max_length=32
            ),
        ),
        migrations.AlterField(
            model_name="attendee",
            name="badge_token_hash",
            field=planner.models.attendee.BadgeTokenHashField(
                editable=False, max_length=64, unique=True
            ),
        ),
        migrations.AddConstraint(
            model_name="attendee",
            constraint=models.CheckConstraint(
                condition=models.Q(("badge_salt", ""), _negated=True),
                name="attendee_badge_salt_required",
            ),
        ),
        migrations.AddConstraint(
            model_name="attendee",
            constraint=models.CheckConstraint(
                condition=models.Q(("badge_token_hash__regex", "^[0-9a-f]{64}$")),
                name="attendee_badge_token_hash_sha256",
            ),
        ),
    ]
