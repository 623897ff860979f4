"""Errors the domain raises; the web layer turns them into clear 4xx answers or pages."""


class DomainError(Exception):
    """A rule of the domain was broken by the input."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    pass


class NotFound(DomainError):
    pass


class Conflict(DomainError):
    pass
