"""The record kinds of the practices app in the fixture files (fixtures/FORMAT.md)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from taggit.models import Tag, TaggedItem

from sources.records import Kind, check_boolean, check_text_list, check_url

from . import facet_index, list_cells, search_lexemes
from .models import FundingSource, Practice, TargetGroup, Theme
from .search_documents import refresh_search_documents
from .translation import PRACTICE_TEXT


def _vocabulary(name, model, order):
    return Kind(
        name,
        model,
        "slug",
        order=order,
        text=("slug", "name", "description"),
        translated=("name", "description"),
        required=("slug", "name"),
        only_in="00_vocabularies.toml",
    )


def _check_practice(record):
    check_text_list(record, "links")
    for link in record.data.get("links", []):
        check_url(record, link, "links")
    check_text_list(record, "tags", Tag._meta.get_field("name").max_length)
    check_boolean(record, "published")


def _practice_values(data, values):
    values["links"] = "\n".join(data.get("links", []))
    values["is_published"] = data.get("published", True)
    values["review_state"] = (
        Practice.ReviewState.PUBLISHED if values["is_published"] else Practice.ReviewState.DRAFT
    )


def _practice_dump(practice):
    extra = {"links": practice.link_list, "tags": sorted(t.name for t in practice.tags.all())}
    return extra | ({} if practice.is_published else {"published": False})


def _tags(loader, names):
    """The tags by name, made where missing. Every tag the fixtures name is read (and
    the missing ones made, in one insert) on the first call of a load."""
    tags = loader.cache.get("tags")
    if tags is None:
        wanted = {
            t.strip().lower()
            for record in loader.defined["practice"].values()
            for t in record.data.get("tags", [])
            if t.strip()
        }
        tags = loader.cache["tags"] = {t.name: t for t in Tag.objects.filter(name__in=wanted)}
        _make_tags(tags, wanted - set(tags))
    _make_tags(tags, set(names) - set(tags))
    return [tags[name] for name in sorted(names)]


def _make_tags(tags, names):
    """Insert new tags at once, with the slugs taggit would give them. A slug already
    taken goes through taggit's own save, which finds a free one."""
    slugs = {name: Tag().slugify(name) for name in sorted(names)}
    taken = set(Tag.objects.filter(slug__in=slugs.values()).values_list("slug", flat=True))
    fresh, clashing, seen = [], [], set()
    for name, slug in slugs.items():
        (clashing if slug in taken or slug in seen else fresh).append(Tag(name=name, slug=slug))
        seen.add(slug)
    for tag in Tag.objects.bulk_create(fresh) + [
        Tag.objects.create(name=tag.name) for tag in clashing
    ]:
        tags[tag.name] = tag


def _practice_relations(loader, practice, data, created):
    wanted = {t.strip().lower() for t in data.get("tags", []) if t.strip()}
    if not created and {t.name for t in practice.tags.all()} == wanted:
        return False
    if not wanted and created:
        return False
    if created:
        content_type = ContentType.objects.get_for_model(Practice)
        loader.links[TaggedItem].extend(
            TaggedItem(content_type=content_type, object_id=practice.pk, tag=tag)
            for tag in _tags(loader, wanted)
        )
    else:
        practice.tags.set(_tags(loader, wanted))
    return True


def _after_load(loader):
    _refresh_search(loader)
    if loader.report.retired:
        # Deleted past the signals, and the store cannot tell whose rows held them.
        search_lexemes.rebuild()
    # Set-based: a fraction of a second for the knowledge base, ~10 s at 100,000.
    if loader.report.changed:
        facet_index.rebuild()
        list_cells.rebuild()


def _refresh_search(loader):
    """Search documents of the practices written, and of those whose city, country,
    organisations or themes were: once, after the load, not on every save."""
    changed = loader.changed
    ids = {practice.pk for practice in changed["practice"].values()}
    linked = Q(pk__in=[])
    if changed["city"]:
        linked |= Q(city__in=list(changed["city"].values()))
    if changed["country"]:
        linked |= Q(city__country__in=list(changed["country"].values()))
    if changed["organisation"]:
        organisations = list(changed["organisation"].values())
        linked |= Q(lead_organisation__in=organisations) | Q(partners__in=organisations)
    if changed["theme"]:
        linked |= Q(themes__in=list(changed["theme"].values()))
    ids |= set(Practice.objects.filter(linked).values_list("pk", flat=True))
    refresh_search_documents(ids)


KINDS = (
    _vocabulary("theme", Theme, 20),
    _vocabulary("target_group", TargetGroup, 30),
    _vocabulary("funding_source", FundingSource, 40),
    Kind(
        "practice",
        Practice,
        "slug",
        order=100,
        # The translated texts are named once, in translation.py.
        text=("slug", *PRACTICE_TEXT, "status", "kind", "scope", "region"),
        translated=PRACTICE_TEXT,
        required=("slug", "title", "summary", "themes"),
        ints=("start_year", "end_year"),
        fks={
            "city": ("city", "city"),
            "country": ("country", "country"),
            "lead_organisation": ("organisation", "lead_organisation"),
        },
        m2m={
            "partners": ("organisation", "partners"),
            "themes": ("theme", "themes"),
            "target_groups": ("target_group", "target_groups"),
            "funding_sources": ("funding_source", "funding_sources"),
        },
        extra=frozenset({"links", "tags", "published"}),
        cited=True,
        mentionable=True,
        check=_check_practice,
        defaults={
            "status": Practice.Status.UNKNOWN,
            "kind": Practice.Kind.INITIATIVE,
            "scope": Practice.Scope.LOCAL,
        },
        values=_practice_values,
        dump=_practice_dump,
        relations=_practice_relations,
        preload_related=("tags",),
        unordered=frozenset({"tags"}),
        after_load=_after_load,
    ),
)
