"""Logins of the demo conference (``seed_demo``), printed by ``make run``.

Demo-only accounts on a local SQLite demo: not secrets. A leaf module (no Django import),
so the process supervisor can print them without setting Django up.
"""

DEMO_ACCOUNTS: dict[str, tuple[str, str]] = {
    "organizer": ("organizer", "boardwalk-organizer"),
    "attendee": ("attendee", "boardwalk-attendee"),
    "superuser": ("admin", "boardwalk-admin"),
}
