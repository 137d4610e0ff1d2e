"""Backups of the database and the uploaded media, and restoring them into a fresh database.

A backup is one folder, ``<BACKUP_DIR>/<UTC timestamp>/``, holding

- ``database.dump`` — PostgreSQL: ``pg_dump --format=custom`` (the ``pg_dump`` on PATH; its
  major version must be at least the server's) — or ``database.sqlite3`` — SQLite: a copy made
  with SQLite's online backup API, consistent while the app keeps writing;
- ``media.tar.gz`` — everything under MEDIA_ROOT (uploaded photos, import files);
- ``manifest.json`` — when, which database vendor, the SHA-256 and size of both files and of
  every media file, the row count of every table and the applied migrations (the schema state:
  restore says when the code has migrations the backup had not).

Restoring checks every checksum first, refuses a database that already has tables and a
MEDIA_ROOT that already has files (unless ``force``), then restores both and compares the
media files with the manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
DUMP = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
FORMAT = 1


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why (nothing was overwritten)."""


@dataclass(frozen=True)
class RestoreResult:
    folder: Path
    tables: int
    media_files: int
    pending_migrations: list[str]


def backup_dir() -> Path:
    return Path(os.environ.get("BACKUP_DIR") or settings.VAR_DIR / "backups")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _file_entry(path: Path) -> dict[str, Any]:
    return {"name": path.name, "sha256": sha256(path), "bytes": path.stat().st_size}


def media_checksums(root: Path) -> dict[str, str]:
    """``relative path → sha256`` of every file under ``root`` (empty when it does not exist)."""
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): sha256(path)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def table_row_counts(alias: str = "default") -> dict[str, int]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - introspected names
            counts[table] = cursor.fetchone()[0]
    return counts


def applied_migrations(alias: str = "default") -> list[str]:
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connections[alias])
    if not recorder.has_table():
        return []
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def _pg_env(alias: str) -> dict[str, str]:
    """libpq's variables for the configured database: no password on any command line."""
    db = connections[alias].settings_dict
    env = dict(os.environ)
    for variable, value in (
        ("PGHOST", db.get("HOST")),
        ("PGPORT", db.get("PORT")),
        ("PGUSER", db.get("USER")),
        ("PGPASSWORD", db.get("PASSWORD")),
        ("PGDATABASE", db.get("NAME")),
        ("PGSSLMODE", (db.get("OPTIONS") or {}).get("sslmode")),
    ):
        if value:
            env[variable] = str(value)
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not on PATH: install PostgreSQL's client tools "
            "(Debian: apt-get install postgresql-client), the same major version as the server or newer"
        )
    return path


def _run(argv: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - fixed tools, our own arguments
    if result.returncode != 0:
        raise BackupError(f"{Path(argv[0]).name} failed: {result.stderr.strip()}")


def _new_folder(root: Path) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    for n in range(100):
        folder = root / (stamp if n == 0 else f"{stamp}-{n}")
        try:
            folder.mkdir(parents=True)
        except FileExistsError:
            continue
        folder.chmod(0o700)  # the dump holds every account's data
        return folder
    raise BackupError(f"cannot create a new folder under {root}")


def backup_create(*, root: Path | None = None, alias: str = "default") -> Path:
    """Write a backup folder under ``root`` (default BACKUP_DIR or var/backups) and return it."""
    connection = connections[alias]
    vendor = connection.vendor
    if vendor not in DUMP:
        raise BackupError(f"backups support PostgreSQL and SQLite, not {vendor}")
    folder = _new_folder(root or backup_dir())
    try:
        dump = folder / DUMP[vendor]
        # The manifest's counts and migrations are read just before the dump: on a live site
        # the dump may hold a few rows more, never fewer tables.
        counts = table_row_counts(alias)
        migrations = applied_migrations(alias)
        if vendor == "postgresql":
            _run(
                [
                    _tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    "--file",
                    str(dump),
                ],
                _pg_env(alias),
            )
        else:
            source = sqlite3.connect(str(connection.settings_dict["NAME"]))
            target = sqlite3.connect(str(dump))
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        media_root = Path(settings.MEDIA_ROOT)
        media = media_checksums(media_root)
        archive = folder / MEDIA_ARCHIVE
        with tarfile.open(archive, "w:gz") as tar:
            for name in media:
                tar.add(media_root / name, arcname=name, recursive=False)
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "database": {"vendor": vendor, **_file_entry(dump)},
            "media": {**_file_entry(archive), "files": media},
            "tables": counts,
            "migrations": migrations,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # never leave a half backup that looks whole
        raise
    return folder


def _read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"{path} does not exist: not a backup folder")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown backup format {manifest.get('format')!r}")
    for part in ("database", "media"):
        entry = manifest[part]
        file = folder / entry["name"]
        if not file.is_file():
            raise BackupError(f"{file} is missing")
        if sha256(file) != entry["sha256"]:
            raise BackupError(f"{file} does not match its checksum in the manifest: damaged")
    return manifest


def _restore_media(archive: Path, files: dict[str, str], media_root: Path, *, force: bool) -> None:
    existing = media_checksums(media_root)
    if existing and not force:
        raise BackupError(
            f"MEDIA_ROOT {media_root} already holds {len(existing)} file(s); restore into an empty "
            "one, or pass --force to add the backup's files over them"
        )
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(media_root, filter="data")  # no absolute paths, links out or devices
    restored = media_checksums(media_root)
    damaged = sorted(name for name, digest in files.items() if restored.get(name) != digest)
    if damaged:
        raise BackupError(
            f"restored media files differ from the manifest: {', '.join(damaged[:5])}"
        )


def backup_restore(*, folder: Path, force: bool = False, alias: str = "default") -> RestoreResult:
    """Restore ``folder`` into the configured database and MEDIA_ROOT.

    Refuses (BackupError, nothing changed) a damaged backup, another database vendor, a
    database that already has tables or a MEDIA_ROOT with files, unless ``force`` (then the
    backup's tables replace the existing ones and its media files are written over them)."""
    manifest = _read_manifest(folder)
    connection = connections[alias]
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"this is a {vendor} backup; the configured database is {connection.vendor}"
        )
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    if tables and not force:
        raise BackupError(
            f"the database {connection.settings_dict['NAME']} already has {len(tables)} table(s); "
            "restore into a fresh, empty database, or pass --force to replace them"
        )
    media_root = Path(settings.MEDIA_ROOT)
    if media_checksums(media_root) and not force:
        _restore_media(folder / MEDIA_ARCHIVE, {}, media_root, force=False)  # raises, says why
    dump = folder / manifest["database"]["name"]
    if vendor == "postgresql":
        connection.close()
        argv = [
            _tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
        ]
        if force:
            argv += ["--clean", "--if-exists"]
        _run([*argv, "--dbname", connection.settings_dict["NAME"], str(dump)], _pg_env(alias))
    else:
        connection.close()
        source = sqlite3.connect(str(dump))
        target = sqlite3.connect(str(connection.settings_dict["NAME"]))
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    connection.close()
    _restore_media(folder / MEDIA_ARCHIVE, manifest["media"]["files"], media_root, force=force)

    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return RestoreResult(
        folder=folder,
        tables=len(manifest["tables"]),
        media_files=len(manifest["media"]["files"]),
        pending_migrations=[f"{m.app_label}.{m.name}" for m, _ in plan],
    )
