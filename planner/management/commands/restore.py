"""``manage.py restore FOLDER [--force]``: a backup folder (``manage.py backup``) into the
configured database and MEDIA_ROOT. Checks the manifest's checksums first and refuses a
database that already has tables (or media files) unless --force. ``make restore BACKUP=...``
runs it. See planner/backups.py."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from planner.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup folder into a fresh database and MEDIA_ROOT."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the tables of a non-empty database and write over existing media files",
        )

    def handle(self, *args, folder: Path, force: bool, **options):
        try:
            result = backup_restore(folder=folder, force=force)
        except BackupError as exc:
            raise CommandError(f"restore refused: {exc}") from exc
        self.stdout.write(
            f"restored {result.folder}: {result.tables} tables, {result.media_files} media files"
        )
        if result.pending_migrations:
            self.stdout.write(
                f"the code has {len(result.pending_migrations)} migration(s) the backup had not: "
                "run `manage.py migrate`"
            )
