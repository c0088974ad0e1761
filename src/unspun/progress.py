"""Progress of analyses and long work, told to whoever listens in the current context.

The library reports, front-ends listen: ``unspun analyze`` draws the stage running and the
progress of long work in its bar on a terminal, a server or batch job may log. Two things are
told:

- a **stage** starting: the pipeline names each component as it starts on a batch
  (``"language"``, ``"whosays"``, ``"spans"``, ``"genre"``, ...), so a long single article shows
  what it is doing (a 27 KB article takes some 30 s);
- **units done** within a stage: ``(stage, done, total)`` characters or paragraphs of a very
  long text (the span model, the paragraph embedder).

The listeners belong to the context (a :class:`contextvars.ContextVar`), so threads sharing one
pipeline never see each other's progress. Nobody listens by default, and reporting then costs
nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# listener(stage, done, total): ``done`` of ``total`` units (characters, paragraphs) of ``stage``.
Listener = Callable[[str, int, int], None]
# stage_listener(stage): ``stage`` (a pipeline component's name) starts on the current batch.
StageListener = Callable[[str], None]

_listener: ContextVar[Listener | None] = ContextVar("unspun_progress", default=None)
_stage_listener: ContextVar[StageListener | None] = ContextVar("unspun_stage", default=None)


@contextmanager
def listening(listener: Listener | None = None, *, stages: StageListener | None = None) -> Iterator[None]:
    """Send the progress reported in this context (and the calls it makes) to ``listener``, and
    the stages started to ``stages``; either may be ``None`` (not listened to)."""
    token = _listener.set(listener)
    stage_token = _stage_listener.set(stages)
    try:
        yield
    finally:
        _stage_listener.reset(stage_token)
        _listener.reset(token)


def reporter(stage: str) -> Callable[[int, int], None] | None:
    """A ``(done, total)`` callback for ``stage`` bound to the current listener, or ``None``."""
    listener = _listener.get()
    if listener is None:
        return None
    return lambda done, total: listener(stage, done, total)


def starting(stage: str) -> None:
    """Tell the current stage listener (if any) that ``stage`` starts."""
    listener = _stage_listener.get()
    if listener is not None:
        listener(stage)
