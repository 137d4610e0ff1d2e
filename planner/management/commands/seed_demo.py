"""``manage.py seed_demo``: build or refresh the demo conference (see planner.demo)."""

from __future__ import annotations

import argparse
import datetime as dt
import zoneinfo
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from planner.demo import DEFAULT_SEED, DEFAULT_START, DEMO_TIMEZONE, demo_seed
from planner.demo_accounts import DEMO_ACCOUNTS


def _start_date(value: str) -> dt.date:
    if value == "today":
        return timezone.localdate(timezone=zoneinfo.ZoneInfo(DEMO_TIMEZONE))
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError("expected YYYY-MM-DD or 'today'") from error


class Command(BaseCommand):
    help = (
        "Create or refresh the demo conference 'eccv-demo' (synthetic ECCV-sized program in "
        "Asia/Jerusalem) with demo logins organizer / attendee / admin. Safe to run again."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--start",
            type=_start_date,
            default=None,
            help=f"First day, YYYY-MM-DD or 'today' (default {DEFAULT_START}, which crosses "
            "the end of Israeli summer time).",
        )
        # Demo-only logins, printed by `make run` from the same table; never use them anywhere real.
        parser.add_argument("--organizer-password", default=DEMO_ACCOUNTS["organizer"][1])
        parser.add_argument("--attendee-password", default=DEMO_ACCOUNTS["attendee"][1])
        parser.add_argument("--admin-password", default=DEMO_ACCOUNTS["superuser"][1])
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Set the three demo passwords even if the users already exist.",
        )
        parser.add_argument(
            "--fresh",
            action="store_true",
            help="Delete the demo conference first, then rebuild it.",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed for the generator."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        summary = demo_seed(
            start=options["start"],
            organizer_password=options["organizer_password"],
            attendee_password=options["attendee_password"],
            admin_password=options["admin_password"],
            reset_passwords=options["reset_passwords"],
            fresh=options["fresh"],
            seed=options["seed"],
        )
        state = (
            "created"
            if summary.created
            else f"updated ({summary.program_changes} program rows written)"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.name} [{summary.slug}] {state} in {summary.seconds:.1f} s"
            )
        )
        self.stdout.write(
            f"  {summary.start_date} to {summary.end_date}, {summary.timezone}; "
            f"schedule version {summary.schedule_version}"
        )
        for change in summary.offset_changes:
            self.stdout.write(f"  UTC offset changes {change}")
        width = max(len(name) for name in summary.counts)
        for name, count in summary.counts.items():
            self.stdout.write(f"  {name:<{width}}  {count:>6}")
        passwords = ", ".join(summary.passwords_set) or "none (existing users kept theirs)"
        self.stdout.write(f"  passwords set for: {passwords}")
