"""Domain errors. Services raise these; the API maps them to 400/404/409."""


class BoardwalkError(Exception):
    """Base class. ``field`` names the input field at fault, when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(BoardwalkError):
    """Input is well-formed but not acceptable (400)."""


class Conflict(BoardwalkError):
    """The request contradicts the current state (409)."""


class ScheduleMismatch(Conflict):
    """A schedule file that seems to be another conference's program (409 unless forced).

    ``findings`` are the reasons in words; ``found`` is what the file says about itself and
    ``target`` what the conference says (names and dates), for the API's details."""

    def __init__(
        self,
        message: str,
        *,
        findings: list[str],
        found: dict[str, object],
        target: dict[str, object],
    ) -> None:
        super().__init__(message, field="file")
        self.findings = findings
        self.found = found
        self.target = target
        self.warnings: list[str] = []  # the items outside the conference's dates, listed

    def as_dict(self) -> dict[str, object]:
        return {
            "message": self.message,
            "kind": "conference_mismatch",
            "findings": self.findings,
            "found": self.found,
            "target": self.target,
        }


class NotFound(BoardwalkError):
    """Does not exist, or is not yours (404: the two are never told apart)."""
