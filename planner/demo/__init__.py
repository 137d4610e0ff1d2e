"""The demo conference for ``manage.py seed_demo`` (a tool, not a domain service): an
ECCV-sized program at the Tel Aviv Expo, generated, idempotent.

Everything is synthetic: people from first/last-name lists, affiliations and exhibitors
from made-up words, paper titles and abstracts from word lists, all drawn from
``random.Random(seed)`` so two runs produce the same program. The default dates
(2026-10-22 … 2026-10-26) cross the end of Israeli summer time (Sunday 2026-10-25,
02:00 local), so every local time below is built as wall-clock time in the conference
zone and stays 09:00 on both sides of the change.

Seeded rows are keyed so a second run finds them again: program rows by
(conference, source="demo", external_id), logbook rows by uuid5 ids, the rest by natural
keys. A re-run restores seeded rows to their seeded values, writing only what differs,
and leaves alone what users added, reminder delivery state and read marks.
"""

from planner.demo.data import (
    ATTENDEE_USERNAME,
    DEFAULT_SEED,
    DEFAULT_START,
    DEMO_SLUG,
    DEMO_TIMEZONE,
)
from planner.demo.seed import DemoSummary, demo_seed

__all__ = [
    "ATTENDEE_USERNAME",
    "DEFAULT_SEED",
    "DEFAULT_START",
    "DEMO_SLUG",
    "DEMO_TIMEZONE",
    "DemoSummary",
    "demo_seed",
]
