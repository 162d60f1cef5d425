"""Practices touched by a write, for the rows derived from them (the facet index, the
export's list cells): rewritten right away, or once at the end of a coalesced() block.

An admin save writes each list, tag and inline row apart, and each write rewrote the
practice's derived rows: 18 facet-index and 17 list-cell rewrites of one practice, about
1.5 s on PostgreSQL at 100,000 practices. Inside the block the derived rows lag the
write, so use it only inside the writer's transaction, around writes that read none.
"""

import contextlib
import contextvars

# {refresh function: practice ids} waiting for the end of the block; None outside one.
_pending = contextvars.ContextVar("touched_pending", default=None)


def touched(refresh, ids):
    """Have refresh(ids) rewrite these practices' rows: now, or at the block's end."""
    pending = _pending.get()
    if pending is None:
        refresh(ids)
    else:
        pending.setdefault(refresh, set()).update(ids)


@contextlib.contextmanager
def coalesced():
    """Each store rewrites the practices touched inside the block once, at its end."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set({})
    try:
        yield
        pending = _pending.get()
    finally:
        _pending.reset(token)
    for refresh, ids in pending.items():
        if ids:
            refresh(ids)
