"""Run inside the benchmark's environment (DJANGO_SETTINGS_MODULE and DATABASE_URL set):

    python bench/ical/prepare.py SLUG ITEMS TOKEN_FILE

Gives a new attendee at SLUG a plan of ITEMS items across every kind the program has
(posters, orals, sessions, meals, booths with a chosen visit), a reminder override on every
fifth, and a private feed URL, written to TOKEN_FILE (its path only)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402

from planner.models import Attendee, Booth, Conference, Meal, Oral, PlanItem, Poster, Session  # noqa: E402
from planner.services.feeds import feed_token_rotate  # noqa: E402


def main() -> None:
    slug, items, out = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    conference = Conference.objects.get(slug=slug)
    user = get_user_model().objects.create_user(f"ical-{slug}", f"ical-{slug}@example.org", "x")
    attendee = Attendee.objects.create(user=user, conference=conference, display_name="Bench")
    share = {"poster": 0.5, "oral": 0.2, "session": 0.15, "meal": 0.05, "booth": 0.1}
    models = {"poster": Poster, "oral": Oral, "session": Session, "meal": Meal, "booth": Booth}
    rows = []
    for kind, fraction in share.items():
        wanted = round(items * fraction)
        for target in models[kind].objects.filter(conference=conference).order_by("pk")[:wanted]:
            row = PlanItem(attendee=attendee, **{kind: target})
            if kind == "booth":
                start = dt.datetime.combine(
                    conference.start_date, dt.time(11, 0), tzinfo=conference.tz
                ) + dt.timedelta(minutes=10 * len(rows))
                row.visit_start, row.visit_end = start, start + dt.timedelta(minutes=10)
            if len(rows) % 5 == 0:
                row.reminder_minutes = 15
            rows.append(row)
    rows = rows[:items]
    PlanItem.objects.bulk_create(rows)
    issued = feed_token_rotate(attendee=attendee)
    out.write_text(issued.url.split("://", 1)[1].split("/", 1)[1])
    print(f"{len(rows)} plan items for attendee {attendee.pk} at {slug}")


if __name__ == "__main__":
    main()
