"""Each practice's search document: the folded words it is found by (portal/text.py).

Written here, read by search.py: the document side imports the models, the query side
(search.py) is imported by them.
"""

from django.contrib.postgres.search import SearchVector
from django.db import connection

from portal.text import fold

from .models import Practice


def search_document_for(practice, *, themes, tags, partners):
    """The folded text a practice is found by. Title twice: a title hit ranks higher."""
    parts = [
        practice.title,
        practice.title,
        practice.summary,
        practice.context,
        practice.how_it_works,
        practice.results,
        practice.beneficiaries,
        practice.funding,
        practice.transferability,
    ]
    if practice.city_id:
        parts += [practice.city.name, practice.city.country.name, practice.city.country_id]
    if practice.lead_organisation_id:
        parts.append(practice.lead_organisation.name)
    parts += [o.name for o in partners]
    parts += [t.name for t in themes]
    parts += [t.name for t in tags]
    return " " + fold(" ".join(p for p in parts if p)) + " "


def refresh_search_documents(practice_ids):
    """Recompute the search document of these practices, in a fixed number of queries."""
    ids = list(practice_ids)
    if not ids:
        return
    practices = (
        Practice.objects.filter(pk__in=ids)
        .select_related("city__country", "lead_organisation")
        .prefetch_related("themes", "tags", "partners")
    )
    changed = []
    for practice in practices:
        document = search_document_for(
            practice,
            themes=practice.themes.all(),
            tags=practice.tags.all(),
            partners=practice.partners.all(),
        )
        if document != practice.search_document:
            practice.search_document = document
            changed.append(practice)
    Practice.objects.bulk_update(changed, ["search_document"], batch_size=500)
    store_search_vectors(Practice.objects.filter(pk__in=[p.pk for p in changed]))


def store_search_vectors(queryset):
    """Parse the search documents of `queryset` into search_vector (PostgreSQL only)."""
    if connection.vendor == "postgresql":
        queryset.update(search_vector=SearchVector("search_document", config="simple"))
