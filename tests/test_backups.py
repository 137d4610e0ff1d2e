"""`make backup` / `make restore`: the database and the uploaded media round-trip into a fresh
database and an empty MEDIA_ROOT — every table's row count and every media file's checksum
equal — and restore refuses damaged backups and non-empty targets."""

from __future__ import annotations

import json
import sqlite3
import uuid
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection

from planner.backups import applied_migrations, media_checksums, table_row_counts
from planner.models import ConversationPhoto
from tests import factories as f
from tests.api.personal.conftest import png_bytes
from tests.worker import manage, subprocess_env

pytestmark = pytest.mark.slow


# --- PostgreSQL -------------------------------------------------------------------------------


def _maintenance(db: dict) -> psycopg.Connection:
    return psycopg.connect(
        host=db.get("HOST") or None,
        port=db.get("PORT") or 5432,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


def _pg_counts(db: dict, name: str) -> dict[str, int]:
    with psycopg.connect(
        host=db.get("HOST") or None,
        port=db.get("PORT") or 5432,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        dbname=name,
    ) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        ]
        return {
            table: conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608 - catalog names
            for table in sorted(tables)
        }


@pytest.fixture
def fresh_database():
    """An empty PostgreSQL database beside the test database, dropped afterwards."""
    db = connection.settings_dict
    name = f"{db['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with _maintenance(db) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with _maintenance(db) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # pg_dump, another process, must see the rows
def test_backup_restores_into_a_fresh_postgres_database(settings, tmp_path, fresh_database):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", verbosity=0)
    photo = ConversationPhoto(
        conversation=f.PosterConversationFactory(), content_type="image/png", size=len(png_bytes())
    )
    photo.image.save("IMG_0001.png", ContentFile(png_bytes()), save=True)
    source_counts = table_row_counts()
    source_media = media_checksums(Path(settings.MEDIA_ROOT))

    out = StringIO()
    call_command("backup", "--dir", str(tmp_path / "backups"), stdout=out)
    folder = Path(out.getvalue().strip())

    manifest = json.loads((folder / "manifest.json").read_text())
    assert folder.parent == tmp_path / "backups"
    assert manifest["database"]["vendor"] == "postgresql"
    assert manifest["tables"] == source_counts
    assert manifest["migrations"] == applied_migrations()
    assert manifest["media"]["files"] == source_media

    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{fresh_database}"
    env = subprocess_env(
        tmp_path / "restored-var", DATABASE_URL=url, MEDIA_ROOT=str(tmp_path / "restored-media")
    )
    restored = manage(env, "restore", str(folder))

    assert restored.returncode == 0, restored.stderr
    assert f"{len(source_counts)} tables, {len(source_media)} media files" in restored.stdout
    restored_counts = _pg_counts(db, fresh_database)
    assert restored_counts == source_counts
    assert restored_counts["planner_session"] > 10  # the demo program, not an empty schema
    assert restored_counts["planner_conversationphoto"] == len(source_media) >= 2  # demo's + ours
    assert media_checksums(tmp_path / "restored-media") == source_media
    assert photo.image.name in source_media

    # The restored database is no longer fresh: a second restore refuses, --force replaces.
    again = manage(env, "restore", str(folder))
    assert again.returncode == 1
    assert f"already has {len(source_counts)} table(s)" in again.stderr
    forced = manage(env, "restore", str(folder), "--force")
    assert forced.returncode == 0, forced.stderr
    assert _pg_counts(db, fresh_database) == source_counts


# --- SQLite -----------------------------------------------------------------------------------


def _sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        count = 'SELECT COUNT(*) FROM "{}"'  # catalog names
        return {t: conn.execute(count.format(t)).fetchone()[0] for t in sorted(tables)}


def test_sqlite_backup_round_trip_and_refusals(tmp_path):
    source = subprocess_env(tmp_path / "var", BACKUP_DIR=str(tmp_path / "backups"))
    assert manage(source, "migrate", "--noinput", "-v0").returncode == 0
    created = manage(
        {**source, "DJANGO_SUPERUSER_PASSWORD": "x-long-enough-1"},
        "createsuperuser",
        "--noinput",
        "--username",
        "root",
        "--email",
        "root@example.org",
    )
    assert created.returncode == 0, created.stderr
    photo = tmp_path / "var" / "media" / "photos" / "2026" / "10" / "IMG_0001.png"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(png_bytes())

    made = manage(source, "backup")
    assert made.returncode == 0, made.stderr
    folder = Path(made.stdout.strip())
    assert folder.parent == tmp_path / "backups"

    target = subprocess_env(tmp_path / "fresh")  # a new, empty var/: database and media
    restored = manage(target, "restore", str(folder))

    assert restored.returncode == 0, restored.stderr
    counts = _sqlite_counts(tmp_path / "var" / "boardwalk.sqlite3")
    assert counts["auth_user"] == 1
    assert _sqlite_counts(tmp_path / "fresh" / "boardwalk.sqlite3") == counts
    assert media_checksums(tmp_path / "fresh" / "media") == media_checksums(
        tmp_path / "var" / "media"
    )
    assert "photos/2026/10/IMG_0001.png" in media_checksums(tmp_path / "fresh" / "media")

    # Into the source (not empty): refused, nothing changed.
    refused = manage(source, "restore", str(folder))
    assert refused.returncode == 1
    assert "already has" in refused.stderr

    # A damaged media archive is refused before anything is written.
    with (folder / "media.tar.gz").open("ab") as fh:
        fh.write(b"x")
    damaged = manage(subprocess_env(tmp_path / "fresh2"), "restore", str(folder))
    assert damaged.returncode == 1
    assert "does not match its checksum" in damaged.stderr
    assert not (tmp_path / "fresh2" / "media").exists()
