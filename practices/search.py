"""Free-text search: PostgreSQL full-text search, or a word-prefix fallback on SQLite.

Both match the same words (see portal/text.py): every query word must begin a word of
the practice's search document. PostgreSQL ranks with ts_rank and uses the GIN index
`practice_search_gin`; SQLite has no ranking, so relevance falls back to title order.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Value

from portal.text import words

# A query longer than this many words is cut: the extra words would only narrow an
# already narrow AND-search, and each one costs a LIKE (SQLite) or a tsquery term.
MAX_QUERY_WORDS = 8
MAX_WORD_LENGTH = 40


def query_words(query):
    return [w[:MAX_WORD_LENGTH] for w in words(query)][:MAX_QUERY_WORDS]


def apply_search(queryset, query):
    terms = query_words(query)
    if not terms:
        return queryset
    if connection.vendor == "postgresql":
        tsquery = SearchQuery(
            " & ".join(f"{t}:*" for t in terms), config="simple", search_type="raw"
        )
        vector = SearchVector("search_document", config="simple")
        return (
            queryset.annotate(search_vector=vector)
            .filter(search_vector=tsquery)
            .annotate(rank=SearchRank(vector, tsquery))
        )
    for term in terms:
        queryset = queryset.filter(search_document__contains=f" {term}")
    return queryset.annotate(rank=Value(0.0))


def refresh_search_documents(practice_ids):
    """Recompute the search document of these practices, in a fixed number of queries."""
    from .models import Practice, search_document_for

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
