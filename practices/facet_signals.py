"""Keep the facet index (facet_index.py) in step with every write that changes what a
practice is counted under, inside the writer's transaction: a count read right after
an edit is never stale.

What each facet depends on is declared with the facet (facets.py, `follows`); this
module only wires those declarations, the practices' own saves and deletes, their M2M
links, and renames and deletes of the records a facet counts, to the index.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from taggit.models import TaggedItem

from sources.versioning import in_bulk_write

from . import facet_index
from . import facets as registry
from .models import Practice
from .touched import linked_practices, touched


def _refresh(ids):
    touched(facet_index.refresh, ids)


def _uid(*parts):
    return "facet-index-" + "-".join(str(p) for p in parts)


def _skip(kwargs):
    return kwargs.get("raw") or in_bulk_write()


def _practice_saved(sender, instance, **kwargs):
    fields = kwargs.get("update_fields")
    if _skip(kwargs) or (fields and set(fields) <= {"search_document", "search_stems"}):
        return
    _refresh([instance.pk])


def _practice_deleting(sender, instance, **kwargs):
    if not _skip(kwargs):
        facet_index.forget([instance.pk])


def _links_changed(sender, instance, action, model, pk_set, **kwargs):
    if not _skip(kwargs):
        _refresh(linked_practices(sender, instance, action, pk_set, "_facet_cleared"))


def _follower(practices_of):
    def saved(sender, instance, **kwargs):
        if not _skip(kwargs):
            _refresh(practices_of(instance))

    def deleting(sender, instance, **kwargs):
        # Read before the delete: its cascade may take the links that lead to them.
        if not _skip(kwargs):
            instance._facet_followers = list(practices_of(instance))

    def deleted(sender, instance, **kwargs):
        _refresh(getattr(instance, "_facet_followers", ()))

    return saved, deleting, deleted


def _renamer(param):
    def renamed(sender, instance, **kwargs):
        if not _skip(kwargs):
            facet_index.rename(param, [instance.pk])

    return renamed


def _value_deleting(param):
    def deleting(sender, instance, **kwargs):
        if not _skip(kwargs):
            instance._facet_holders = facet_index.holders(param, str(instance.pk))

    return deleting


def _value_deleted(sender, instance, **kwargs):
    held = getattr(instance, "_facet_holders", None)
    if held:
        _refresh(held)


def connect_practices():
    post_save.connect(_practice_saved, sender=Practice, dispatch_uid=_uid("practice"))
    pre_delete.connect(_practice_deleting, sender=Practice, dispatch_uid=_uid("practice-del"))
    for field in Practice._meta.many_to_many:
        through = field.remote_field.through
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=_uid("m2m", field.name))
    m2m_changed.connect(_links_changed, sender=TaggedItem, dispatch_uid=_uid("m2m", "tags"))
    registry.on_register(connect)


def connect(facet):
    """Wire one facet's dependencies (called as it is registered)."""
    model = getattr(facet.vocabulary, "model", None)
    if model is not None:
        receivers = (_renamer(facet.param), _value_deleting(facet.param), _value_deleted)
        _connect(facet.param, model, receivers)
    for model, practices_of in facet.follows:
        _connect(facet.param, model, _follower(practices_of), "follows")


def _connect(param, model, receivers, *name):
    # Receivers made per facet are closures: held strongly, or they would be collected.
    for signal, receiver in zip((post_save, pre_delete, post_delete), receivers, strict=True):
        uid = _uid(param, *name, model._meta.label, id(signal))
        signal.connect(receiver, sender=model, dispatch_uid=uid, weak=False)
