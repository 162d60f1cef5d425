"""Load the knowledge base from the TOML files in fixtures/ (format: fixtures/FORMAT.md).

Deliberately plain: every record is matched by its natural key (slug, code or key),
created if missing, updated if the fixture changed it, and left alone if a curator has
edited it in the admin since it was loaded (unless `overwrite=True`); one the files list
as `[[retired]]` is deleted (retire.py). Curator edits are read from the edit history:
each record the loader writes gets a revision of its own whose comment is LOADER_COMMENT,
so a newer revision with another comment or with a user is a curator's. A revision per
record is also what keeps a revert in the admin to that record and what it owns.

All files are read and checked before anything is written, then written in one
transaction: a broken file loads nothing, and the error names the file, the record and
the field. Writing is batched by kind (existing records, their links and their latest
versions are read once per kind; new links and citations are inserted in bulk), and
search documents are refreshed once, at the end, not on every save.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import reversion
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import translation
from reversion.models import Version
from reversion.revisions import _get_options

from .citations import Citations
from .records import KINDS, FixtureError, check_fields, ordered_kinds, read_records
from .retire import check_retired, retire
from .versioning import bulk_write, bump, in_bulk_write

LOADER_COMMENT = "Loaded from fixtures"


def is_loading():
    """True while the loader (or another bulk writer) writes: save signals that would
    redo per record what the loader does once at the end (search documents, the facet
    index, the content version) check this and stand aside."""
    return in_bulk_write()


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    kept_curated: list = field(default_factory=list)

    @property
    def changed(self):
        """Whether the load wrote anything (derived data and caches need refreshing)."""
        return bool(self.created or self.updated or self.retired)

    def __str__(self):
        text = (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.retired} retired, {len(self.kept_curated)} kept as curators left them"
        )
        if self.kept_curated:
            text += " (" + ", ".join(self.kept_curated[:10])
            text += ", ...)" if len(self.kept_curated) > 10 else ")"
        return text


def fixture_paths(directory):
    return sorted(Path(directory).glob("*.toml"))


class Loader:
    def __init__(self, directory, *, overwrite=False):
        self.paths = fixture_paths(directory)
        self.overwrite = overwrite
        self.report = Report()
        self.objects = defaultdict(dict)  # kind -> key -> instance, as written or found
        self.existing = defaultdict(dict)  # kind -> key -> instance already in the database
        self.latest = defaultdict(dict)  # kind -> pk -> (user id, comment) of its newest version
        self.changed = defaultdict(dict)  # kind -> key -> instance created or changed
        self.kept = set()  # (kind, key) left as a curator edited them
        self.links = defaultdict(list)  # model -> unsaved link rows, inserted in bulk
        self.cache = {}  # for kinds' hooks (e.g. the tags by name)

    # ----- checking, before any write -------------------------------------------------

    def check(self):
        if not self.paths:
            raise FixtureError("fixtures", "no *.toml files found")
        records, mentions, retired = read_records(self.paths)
        self.defined = defaultdict(dict)
        for record in records:
            check_fields(record)
            previous = self.defined[record.kind].get(record.key)
            if previous is not None:
                raise record.error(
                    f"is defined twice: also in {previous.path} as {record.kind} "
                    f"#{previous.index + 1}; define it once and cite it elsewhere with [[mention]]"
                )
            self.defined[record.kind][record.key] = record
        for spec in ordered_kinds():
            self._preload(spec)
        for record in records:
            self._check_references(record)
        for mention in mentions:
            self._check_mention(mention)
        self.records, self.mentions, self.retired = records, mentions, retired
        check_retired(self, retired)

    def _preload(self, spec):
        """The records of this kind the fixtures name that exist already, their M2M links
        and their newest version: a few queries per kind, not per record."""
        keys = list(self.defined[spec.name])
        if not keys:
            return
        rows = spec.model._default_manager.all()
        if spec.key_of_object is None:
            rows = rows.filter(**{f"{spec.key}__in": keys})
        else:
            target = KINDS[spec.fks[spec.key][0]]
            prefixes = {key.partition("/")[0] for key in keys}
            rows = rows.filter(**{f"{spec.key}__{target.key}__in": prefixes})
            rows = rows.select_related(*(attr for _kind, attr in spec.fks.values()))
        found = {spec.object_key(obj): obj for obj in rows}
        prefetch_related_objects(
            list(found.values()), *(a for _k, a in spec.m2m.values()), *spec.preload_related
        )
        self.existing[spec.name] = found
        versions = (
            Version.objects.get_for_model(spec.model)
            .filter(object_id__in=[str(obj.pk) for obj in found.values()])
            .order_by("object_id", "-pk")
            .values_list("object_id", "revision__user_id", "revision__comment")
        )
        for object_id, user_id, comment in versions:
            self.latest[spec.name].setdefault(object_id, (user_id, comment))

    def _exists(self, kind, key):
        if key in self.defined[kind] or key in self.existing[kind]:
            return True
        try:
            self._lookup(kind, key)
        except KINDS[kind].model.DoesNotExist:
            return False
        return True

    def _check_references(self, record):
        spec, data = record.spec, record.data
        if spec.cited and not self._exists("source_document", record.source):
            raise FixtureError(record.path, f"source {record.source!r} is not a source document")
        for name, (kind, _attr) in spec.fks.items():
            if data.get(name) and not self._exists(kind, data[name]):
                raise record.error(f"unknown {kind} {data[name]!r}", name)
        for name, (kind, _attr) in spec.m2m.items():
            for key in data.get(name, []):
                if not self._exists(kind, key):
                    raise record.error(f"unknown {kind} {key!r}", name)

    def _check_mention(self, mention):
        data = mention.data
        kind, key = data.get("kind"), data.get("slug")
        mentionable = sorted(name for name, spec in KINDS.items() if spec.mentionable)
        if kind not in mentionable:
            raise mention.error(f"must be one of {', '.join(mentionable)}", "kind")
        if not mention.source:
            raise FixtureError(mention.path, "has a [[mention]] but no top-level 'source'")
        if not data.get("section"):
            raise mention.error("is required", "section")
        if not key or not self._exists(kind, key):
            raise mention.error(f"unknown {kind} {key!r}", "slug")

    # ----- writing, in one transaction ------------------------------------------------

    def load(self):
        self.check()
        with bulk_write(), transaction.atomic():
            by_kind = defaultdict(list)
            for record in self.records:
                by_kind[record.kind].append(record)
            self.citations = Citations(self)
            for spec in ordered_kinds():
                for record in by_kind[spec.name]:
                    self._write(record)
                self._insert_links()
            for mention in self.mentions:
                self._write_mention(mention)
            self._insert_links()
            self._drop_stale_citations()
            self._save_revisions()
            retire(self)
            for spec in ordered_kinds():
                if spec.after_load:
                    spec.after_load(self)
            if self.report.changed:
                bump()
        return self.report

    def _lookup(self, kind, key):
        for found in (self.objects[kind], self.existing[kind]):
            if key in found:
                return found[key]
        spec = KINDS[kind]
        if spec.key_of_object is not None:
            prefix = key.partition("/")[0]
            target = KINDS[spec.fks[spec.key][0]]
            rows = spec.model._default_manager.filter(**{f"{spec.key}__{target.key}": prefix})
            for obj in rows:
                if spec.object_key(obj) == key:
                    self.objects[kind][key] = obj
                    return obj
            raise spec.model.DoesNotExist(key)
        obj = spec.model._default_manager.get(**{spec.key: key})
        self.objects[kind][key] = obj
        return obj

    def _is_curated(self, spec, obj):
        if self.overwrite or not reversion.is_registered(spec.model):
            return False
        latest = self.latest[spec.name].get(str(obj.pk))
        if latest is None:
            # Created outside any revision: by a script or the shell, not by this loader.
            return True
        user_id, comment = latest
        return user_id is not None or comment != LOADER_COMMENT

    def _values(self, record):
        spec, data = record.spec, record.data
        values = {name: data.get(name) or spec.default(name) for name in spec.text}
        values |= {name: data.get(name, spec.default(name)) for name in spec.ints}
        for name, (kind, attr) in spec.fks.items():
            values[attr] = self._lookup(kind, data[name]) if data.get(name) else None
        if spec.values:
            spec.values(data, values)
        return values

    def _write(self, record):
        spec = record.spec
        obj = self.existing[spec.name].get(record.key)
        if obj is not None and self._is_curated(spec, obj):
            self.report.kept_curated.append(f"{record.kind} {record.key}")
            self.kept.add((record.kind, record.key))
            self.objects[record.kind][record.key] = obj
            return
        created = obj is None
        changed = self._assign(record, obj) if not created else True
        obj = spec.model(**self._values(record)) if created else obj
        self._validate(record, obj)
        try:
            if changed:
                obj.save()
        except IntegrityError as exc:
            raise record.error(f"the database refused it: {exc}") from None
        self.objects[record.kind][record.key] = obj
        changed |= self._write_m2m(record, obj, created)
        if spec.relations:
            changed |= spec.relations(self, obj, record.data, created)
        if spec.cited:
            owner = (record.kind, record.key)
            changed |= self.citations.cite(obj, record.source, record.data, owner)
        if changed:
            self.changed[record.kind][record.key] = obj
        if created:
            self.report.created += 1
        elif changed:
            self.report.updated += 1
        else:
            self.report.unchanged += 1

    def _assign(self, record, obj):
        changed = False
        fks = {attr for _kind, attr in record.spec.fks.values()}
        for name, value in self._values(record).items():
            # References compare by id: reading obj.city would fetch the city.
            current = getattr(obj, f"{name}_id") if name in fks else getattr(obj, name)
            wanted = getattr(value, "pk", None) if name in fks else value
            if current != wanted:
                setattr(obj, name, value)
                changed = True
        return changed

    def _validate(self, record, obj):
        # The models' own rules (field validation and clean(), which mirrors each check
        # constraint). References are resolved instances already, and keys were matched
        # above, so the queries of FK and uniqueness validation would only repeat that;
        # the database's constraints still stand behind both.
        fks = [attr for _kind, attr in record.spec.fks.values()]
        try:
            obj.full_clean(exclude=fks, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            name, messages = next(iter(exc.message_dict.items()))
            raise record.error("; ".join(messages), None if name == "__all__" else name) from None

    def _write_m2m(self, record, obj, created):
        changed = False
        for name, (kind, attr) in record.spec.m2m.items():
            wanted = {self._lookup(kind, key).pk for key in record.data.get(name, [])}
            manager = getattr(obj, attr)
            current = set() if created else {related.pk for related in manager.all()}
            if current == wanted:
                continue
            changed = True
            if created:
                self.links[manager.through].extend(
                    manager.through(
                        **{
                            f"{manager.source_field_name}_id": obj.pk,
                            f"{manager.target_field_name}_id": pk,
                        }
                    )
                    for pk in sorted(wanted)
                )
            else:
                manager.set(wanted)
        return changed

    def _insert_links(self):
        for model, rows in self.links.items():
            model.objects.bulk_create(rows, batch_size=500)
        self.links.clear()

    def _drop_stale_citations(self):
        for kind, key, obj in self.citations.drop_stale():
            if key not in self.changed[kind]:
                self.report.unchanged -= 1
                self.report.updated += 1
            self.changed[kind][key] = obj

    def _write_mention(self, mention):
        kind, key = mention.data["kind"], mention.data["slug"]
        if (kind, key) in self.kept:
            return
        obj = self._lookup(kind, key)
        if self.citations.cite(obj, mention.source, mention.data, (kind, key)):
            self.changed[kind][key] = obj

    def _save_revisions(self):
        """One revision per record written, holding the record and what it owns."""
        for spec in ordered_kinds():
            objects = list(self.changed[spec.name].values())
            if not objects or not reversion.is_registered(spec.model):
                continue
            # Read what a version serialises (M2M links, followed relations) for the whole
            # kind at once, so that saving each revision reads nothing more per record.
            # _get_options is django-reversion's own record of what a model follows.
            m2m = [f.name for f in spec.model._meta.many_to_many if f.serialize]
            follow = _get_options(spec.model).follow
            for obj in objects:
                getattr(obj, "_prefetched_objects_cache", {}).clear()
            prefetch_related_objects(objects, *m2m, *_follow_prefetches(spec.model, follow))
            _point_back(objects, follow)
            for obj in objects:
                with reversion.create_revision(atomic=False):
                    reversion.set_comment(LOADER_COMMENT)
                    reversion.add_to_revision(obj)


def _follow_prefetches(model, follow):
    """What a version follows, with every foreign key of it selected: reversion stores
    str(obj) of each followed row (a citation names its document, a tag link its tag),
    and without the join that is a query per row."""
    prefetches = []
    for name in follow:
        related = model._meta.get_field(name).related_model
        fks = [f.name for f in related._meta.concrete_fields if f.many_to_one]
        rows = related._default_manager.select_related(*fks)
        prefetches.append(Prefetch(name, queryset=rows))
    return prefetches


def _point_back(objects, follow):
    """Followed rows that point back at their record through a generic foreign key (a
    practice's tag links) learn that record, so their str() does not fetch it again."""
    for name in follow:
        for obj in objects:
            for row in getattr(obj, name).all():
                for gfk in row._meta.private_fields:
                    if isinstance(gfk, GenericForeignKey) and not gfk.is_cached(row):
                        gfk.set_cached_value(row, obj)


def load_knowledge_base(directory, *, overwrite=False):
    # A translated field's plain name (title) reads and writes the active language's
    # column: the files' plain fields are the English originals, whatever the caller's
    # language; other languages are named (title_fr).
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
        return Loader(directory, overwrite=overwrite).load()
