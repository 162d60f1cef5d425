"""What reverting to a version would do, before it is done; and one record per revision.

A revision may hold a record and what it owns: the rows that point at it (its citations,
its tag links, the factors a practice illustrates, a factor's questions, a network's
memberships and, through them, their citations). Reverting such a revision touches that
record alone. A revision that holds other records too (the loader once saved the whole
knowledge base as one) would put them all back: the admin refuses it, and
`split_revision` breaks such revisions up, one per record.
"""

from dataclasses import dataclass, field

import reversion
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from modeltranslation.manager import get_translatable_fields_for_model

# django-reversion's own record of what a model's versions follow, and the rows a record
# follows now: the same rules its revert applies, so the preview cannot disagree with it.
from reversion.revisions import _follow_relations_recursive, _get_options


def _follow_links(model):
    """How each row that `model`'s versions follow points back at its record:
    [(related model, ("fk", attname) or ("gfk", content type attname, object id name))]."""
    links = []
    for name in _get_options(model).follow:
        relation = model._meta.get_field(name)
        if isinstance(relation, GenericRelation):
            content_type = relation.related_model._meta.get_field(
                relation.content_type_field_name
            ).attname
            links.append(
                (relation.related_model, ("gfk", content_type, relation.object_id_field_name))
            )
        elif relation.one_to_many:
            links.append((relation.related_model, ("fk", relation.field.attname)))
    return links


def owned_groups(versions, values_of):
    """Group versions by the record that owns them. `values_of(version)` gives its
    serialised {attname: value}. A row is owned by a record in the same revision that
    follows it (reversion's `follow`: its citations, tag links...), never by a record it
    merely refers to (a practice names its city; the city does not own it)."""
    keys = {(v.content_type_id, str(v.object_id)): v for v in versions}
    pointers = {}  # related model -> [(owner content type id, how it points back)]
    for content_type_id in {key[0] for key in keys}:
        owner_model = ContentType.objects.get_for_id(content_type_id).model_class()
        if owner_model is not None and reversion.is_registered(owner_model):
            for related, how in _follow_links(owner_model):
                pointers.setdefault(related, []).append((content_type_id, how))
    owner = {}
    for key, version in keys.items():
        values = values_of(version)
        owner[key] = None
        for owner_type, how in pointers.get(version._model, []):
            if how[0] == "fk":
                pointer = (owner_type, str(values.get(how[1])))
            elif values.get(how[1]) == owner_type:
                pointer = (owner_type, str(values.get(how[2])))
            else:
                continue
            if pointer in keys and pointer != key:
                owner[key] = pointer
                break

    def root(key, seen=()):
        parent = owner[key]
        return key if parent is None or parent in seen else root(parent, (*seen, key))

    groups = {}
    for key, version in keys.items():
        groups.setdefault(root(key), []).append(version)
    return groups


@dataclass
class Change:
    action: str  # "change", "restore" (deleted since), "delete" (added since)
    label: str  # model name and the row's text
    fields: list = field(default_factory=list)  # names of the fields that change


@dataclass
class RevertPlan:
    version: object
    changes: list = field(default_factory=list)
    others: list = field(default_factory=list)  # versions of other records it would revert

    @property
    def allowed(self):
        return not self.others


def _label(model, text):
    return f"{model._meta.verbose_name.capitalize()}: {text}"


def _changed_fields(obj, version):
    """Names of the fields whose current value differs from the version's."""
    fields = {f.attname: f for f in obj._meta.concrete_fields}
    fields |= {f.name: f for f in obj._meta.many_to_many}
    changed = []
    # A translated field's own name (title) reads the page language's column: the
    # per-language columns (title [en], title [fr]) say what changes, the alias would only
    # repeat one of them.
    aliases = set(get_translatable_fields_for_model(type(obj)) or ())
    for name, old in version.field_dict.items():
        field_obj = fields.get(name)
        if field_obj is None or name in aliases:
            continue
        if hasattr(old, "all") or _bookkeeping(field_obj):
            # Not a stored field (taggit's manager: tags are versioned as tag links), or
            # a timestamp Django sets itself (and the version keeps to the millisecond).
            continue
        if field_obj.many_to_many:
            now = {related.pk for related in getattr(obj, name).all()}
            differs = now != set(old)
        else:
            now = getattr(obj, name)
            # An untranslated field is NULL when loaded, "" when saved by a form: no
            # text either way.
            differs = now != old and not {now, old} <= {None, ""}
        if differs:
            changed.append(str(field_obj.verbose_name))
    return changed


def _bookkeeping(field_obj):
    """Timestamps and keys the model derives (a sort key): they follow what a reader
    sees change, and would only repeat it."""
    auto = getattr(field_obj, "auto_now", False) or getattr(field_obj, "auto_now_add", False)
    return auto or not field_obj.editable


def revert_plan(version):
    """Every row reverting to `version` would change, and any other record it would
    revert with it (then the revert is refused)."""
    versions = list(version.revision.version_set.select_related("content_type"))
    groups = owned_groups(versions, lambda v: v.field_dict)
    mine = groups.get((version.content_type_id, str(version.object_id)), [version])
    plan = RevertPlan(version)
    plan.others = [v for key, group in groups.items() if group is not mine for v in group]
    in_revision = set()
    for item in mine:
        current = item._model._default_manager.filter(pk=item.object_id).first()
        if current is None:
            plan.changes.append(Change("restore", _label(item._model, item.object_repr)))
            continue
        in_revision.add(current)
        fields = _changed_fields(current, item)
        if fields:
            plan.changes.append(Change("change", _label(item._model, str(current)), fields))
    record = version._model._default_manager.filter(pk=version.object_id).first()
    if record is not None:
        # With delete=True, as the admin reverts, rows the record owns now and did not
        # own then (a citation added since) are deleted.
        for row in _follow_relations_recursive(record) - in_revision - {record}:
            plan.changes.append(Change("delete", _label(type(row), str(row))))
    return _net(plan)


def _net(plan):
    """A row deleted and an identical one restored (a tag link saved anew by the admin
    form) is no change to a reader: leave both out."""
    restored = {c.label for c in plan.changes if c.action == "restore"}
    deleted = {c.label for c in plan.changes if c.action == "delete"}
    same = restored & deleted
    plan.changes = [
        c for c in plan.changes if not (c.action in ("restore", "delete") and c.label in same)
    ]
    return plan


def split_revision(revision, values_of, make_revision):
    """Give each record in `revision` (with what it owns) a revision of its own, with the
    same date, user and comment. Returns how many revisions it made."""
    groups = list(owned_groups(list(revision.version_set.all()), values_of).values())
    for group in groups[1:]:
        new = make_revision(revision)
        for version in group:
            version.revision = new
            version.save(update_fields=["revision"])
    return len(groups) - 1


def split_all_revisions():
    """split_revision for every revision that holds several records (existing databases
    from before the loader gave each record its own). Returns the revisions made."""
    from django.db.models import Count
    from reversion.models import Revision

    def copy(revision):
        return Revision.objects.create(
            date_created=revision.date_created, user=revision.user, comment=revision.comment
        )

    made = 0
    for revision in Revision.objects.annotate(rows=Count("version")).filter(rows__gt=1):
        made += split_revision(revision, lambda version: version.field_dict, copy)
    return made
