"""Request metadata that audit events pick up without every service passing it around."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    source_address: str | None = None


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "veerkracht_request_context", default=RequestContext()  # noqa: B039 - a frozen dataclass is immutable
)


def current() -> RequestContext:
    return _current.get()


def set_current(ctx: RequestContext) -> contextvars.Token[RequestContext]:
    return _current.set(ctx)


def reset(token: contextvars.Token[RequestContext]) -> None:
    _current.reset(token)
