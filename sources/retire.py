"""Records the fixtures no longer hold: the `[[retired]]` table (fixtures/FORMAT.md).

The loader matches records by key and creates or updates them; on its own it never
deletes, so a record dropped from the fixtures would stay in every database loaded
before. A `[[retired]]` entry names such a record (kind and key) and says why; the next
load deletes it, in the same transaction as everything else. A record a curator has
edited since it was loaded is kept, and reported, as the loader keeps curated records.
Deleting leaves a version in the history, so the admin can recover it.
"""

from django.db.models import ProtectedError, RestrictedError
from reversion.models import Version

from .records import KINDS


def check_retired(loader, retired):
    """Before any write: each entry names a kind and a key, says why, and is not a record
    the fixtures still define, mention or point at."""
    referenced = _referenced(loader)
    for entry in retired:
        for name in entry.data:
            if name not in ("kind", "slug", "reason"):
                raise entry.error("is not a field of [[retired]] (see fixtures/FORMAT.md)", name)
        kind, key = entry.data.get("kind"), entry.data.get("slug")
        if kind not in KINDS or KINDS[kind].only_in:
            raise entry.error(f"cannot retire a {kind!r}", "kind")
        if not isinstance(key, str) or not key:
            raise entry.error("is required", "slug")
        if not str(entry.data.get("reason", "")).strip():
            raise entry.error("is required: say why the record goes", "reason")
        if key in loader.defined[kind]:
            raise entry.error(f"{kind} {key!r} is still defined in the fixtures", "slug")
        if (kind, key) in referenced:
            raise entry.error(f"{kind} {key!r} is still cited or referenced", "slug")


def _referenced(loader):
    found = set()
    for record in loader.records:
        spec = record.spec
        for name, (kind, _attr) in {**spec.fks, **spec.m2m}.items():
            value = record.data.get(name)
            for key in value if isinstance(value, list) else [value]:
                found.add((kind, key))
    found |= {(m.data.get("kind"), m.data.get("slug")) for m in loader.mentions}
    return found


def retire(loader):
    """Delete the retired records that exist and that no curator has touched."""
    for entry in loader.retired:
        kind, key = entry.data["kind"], entry.data["slug"]
        spec = KINDS[kind]
        try:
            obj = loader._lookup(kind, key)
        except spec.model.DoesNotExist:
            continue
        latest = Version.objects.get_for_object(obj).values_list(
            "revision__user_id", "revision__comment"
        )
        loader.latest[kind][str(obj.pk)] = latest.first()
        if loader._is_curated(spec, obj):
            loader.report.kept_curated.append(f"{kind} {key} (retired)")
            continue
        try:
            obj.delete()
        except (ProtectedError, RestrictedError) as exc:
            users = ", ".join(sorted({str(o) for o in exc.args[1]})[:5])
            raise entry.error(f"cannot be deleted: still used by {users}") from None
        loader.report.retired += 1
