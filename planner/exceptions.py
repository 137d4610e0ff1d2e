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


class NotFound(BoardwalkError):
    """Does not exist, or is not yours (404: the two are never told apart)."""
