"""Practices touched by a write, for the rows derived from them (the facet index, the
export's list cells): rewritten right away, or once at the end of a coalesced() block.

An admin save writes each list, tag and inline row apart, and each write rewrote the
practice's derived rows: 18 facet-index and 17 list-cell rewrites of one practice, and
a save took 2.3 s on PostgreSQL at 100,000 practices (0.46 to 0.64 s coalesced). The
admin's saves, reverts and recoveries are blocks. Inside one the derived rows lag the
write: use it only inside the writer's transaction, around writes that read none.
"""

import contextlib
import contextvars

from django.db.models.signals import post_delete, pre_delete

from .models import Practice

# {refresh function: practice ids} waiting for the end of the block; None outside one.
_pending = contextvars.ContextVar("touched_pending", default=None)
# Practices being deleted: their cascade (tags, illustrations, citations) would write
# their derived rows back after the delete took them out, leaving them orphaned (and
# the list cells' row would then block the delete itself).
_deleting = contextvars.ContextVar("practices_being_deleted", default=frozenset())


def touched(refresh, ids):
    """Have refresh(ids) rewrite these practices' rows: now, or at the block's end.
    Practices being deleted are left out."""
    ids = set(ids) - _deleting.get()
    if not ids:
        return
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


def link_paths():
    """{link table: the practice's field} of each many-to-many field of a practice
    (taggit's tags included)."""
    fields = Practice._meta.get_fields()
    return {f.remote_field.through: f.name for f in fields if f.many_to_many and not f.auto_created}


def linked_practices(sender, instance, action, pk_set, stash):
    """The practices an m2m_changed signal on the link table `sender` touches: the
    practice itself from its own side; from the other side (a theme's practices) pk_set,
    or for a clear, which names none, those linked before it: read at pre_clear and kept
    on the instance under `stash` (one name per store: each pops its own)."""
    if isinstance(instance, Practice):
        return {instance.pk} if action in {"post_add", "post_remove", "post_clear"} else set()
    if action == "pre_clear":
        linked = Practice.objects.filter(**{link_paths()[sender]: instance.pk})
        setattr(instance, stash, set(linked.values_list("pk", flat=True)))
    elif action == "post_clear":
        return instance.__dict__.pop(stash, set())
    elif action in {"post_add", "post_remove"}:
        return set(pk_set or ())
    return set()


def _practice_deleting(sender, instance, **kwargs):
    _deleting.set(_deleting.get() | {instance.pk})


def _practice_deleted(sender, instance, **kwargs):
    _deleting.set(_deleting.get() - {instance.pk})


def connect():
    pre_delete.connect(_practice_deleting, sender=Practice, dispatch_uid="practice-deleting")
    post_delete.connect(_practice_deleted, sender=Practice, dispatch_uid="practice-deleted")
