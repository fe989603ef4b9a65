"""Domain exceptions: a rule of the domain refused an action; views and the API show them."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the domain refused the action; the message is safe to show the user."""

    status = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    """Someone else changed the object first; nothing was overwritten."""

    status = 409


class Invalid(DomainError):
    """A refused input whose message has parameters, kept apart so a view can translate it."""

    def __init__(self, template: str, field: str | None = None, **params: Any) -> None:
        super().__init__(template % params if params else template, field)
        self.template = template
        self.params = params


def message_parts(exc: DomainError) -> tuple[str, dict[str, Any]]:
    if isinstance(exc, Invalid):
        return exc.template, exc.params
    # Any refusal may carry a template and parameters, so it is translated before formatting.
    template = getattr(exc, "template", None)
    return (template, getattr(exc, "params", {})) if template else (exc.message, {})
