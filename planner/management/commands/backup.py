"""``manage.py backup [--dir DIR]``: the database (pg_dump custom format, or SQLite's backup
API) and MEDIA_ROOT into a new timestamped folder with a manifest; prints the folder.
``make backup`` runs it. See planner/backups.py."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from planner.backups import BackupError, backup_create, backup_dir


class Command(BaseCommand):
    help = "Back up the database and uploaded media into BACKUP_DIR/<timestamp>/ (default var/backups)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", dest="directory", type=Path, help="parent folder (default BACKUP_DIR)"
        )

    def handle(self, *args, directory: Path | None, **options):
        try:
            folder = backup_create(root=directory or backup_dir())
        except BackupError as exc:
            raise CommandError(f"backup failed: {exc}") from exc
        self.stdout.write(str(folder))
