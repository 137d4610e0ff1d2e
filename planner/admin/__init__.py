"""Organizer admin. Registrations live in the modules imported here."""

from planner.admin import attendees, conference, imports, program  # noqa: F401 - registers the admins
