"""``manage.py wait_for_migrations``: block until the database is reachable and every
migration is applied, then exit 0 (the worker and beat start only after the one-shot
``migrate`` service/job, never against an older schema). Exit 1 after ``--timeout`` seconds,
saying what is still missing.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor


def unapplied_migrations(database: str = DEFAULT_DB_ALIAS) -> list[str]:
    """``app.name`` of every migration ``migrate`` would apply (what ``migrate --check`` tests)."""
    connection = connections[database]
    connection.prepare_database()
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


class Command(BaseCommand):
    help = (
        "Wait until the database is reachable and fully migrated (exit 0), or fail after --timeout."
    )

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=300.0, help="seconds (default 300)")
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between checks")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, timeout: float, interval: float, database: str, **options):
        deadline = time.monotonic() + timeout
        while True:
            try:
                missing = unapplied_migrations(database)
                reason = (
                    f"{len(missing)} unapplied migration(s), first {missing[0]}" if missing else ""
                )
            except DatabaseError as exc:
                reason = f"database not ready: {type(exc).__name__}: {exc}".strip()
            finally:
                connections[database].close()
            if not reason:
                self.stdout.write("wait_for_migrations: database is migrated")
                return
            if time.monotonic() >= deadline:
                raise CommandError(f"wait_for_migrations: gave up after {timeout:g} s: {reason}")
            if options["verbosity"] > 1:
                self.stderr.write(f"wait_for_migrations: {reason}; waiting")
            time.sleep(interval)
