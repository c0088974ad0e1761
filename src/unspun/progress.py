"""Progress of long work (a very long article), told to whoever listens in the current context.

The library reports, front-ends listen: ``unspun analyze`` shows a bar or progress lines on
stderr, a server or batch job may log. The listener belongs to the context (a
:class:`contextvars.ContextVar`), so threads sharing one pipeline never see each other's
progress. Nobody listens by default, and reporting then costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# listener(stage, done, total): ``done`` of ``total`` units (characters, paragraphs) of ``stage``.
Listener = Callable[[str, int, int], None]

_listener: ContextVar[Listener | None] = ContextVar("unspun_progress", default=None)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Send the progress reported in this context (and the calls it makes) to ``listener``."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


def reporter(stage: str) -> Callable[[int, int], None] | None:
    """A ``(done, total)`` callback for ``stage`` bound to the current listener, or ``None``."""
    listener = _listener.get()
    if listener is None:
        return None
    return lambda done, total: listener(stage, done, total)
