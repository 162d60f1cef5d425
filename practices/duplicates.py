"""Likely duplicates: practices of the same city or lead organisation whose titles are
very similar. PostgreSQL measures it with pg_trgm's similarity, served by a GIN trigram
index on the title (migration 0015); SQLite, with difflib's ratio over the few
practices of the same place.
"""

from difflib import SequenceMatcher

from django.db import connection
from django.db.models import Q

from .models import Practice

# Similar enough to warn. The measures differ: trigram similarity drops faster than
# difflib's ratio on the same edit (one changed word in ten: ~0.7 against ~0.9).
TRIGRAM_THRESHOLD = 0.6
DIFFLIB_THRESHOLD = 0.85


def _postgres():
    return connection.vendor == "postgresql"


def _same_place(practice):
    place = Q(pk__in=[])
    if practice.city_id:
        place |= Q(city_id=practice.city_id)
    if practice.lead_organisation_id:
        place |= Q(lead_organisation_id=practice.lead_organisation_id)
    return place


def ratio(a, b):
    return SequenceMatcher(None, a.lower(), b.lower()).ratio()


def similar_to(practice):
    """[(other practice, similarity 0..1)], most similar first."""
    others = Practice.objects.filter(_same_place(practice)).exclude(pk=practice.pk)
    if _postgres():
        from django.contrib.postgres.search import TrigramSimilarity

        rows = (
            others.filter(title__trigram_similar=practice.title)
            .annotate(similarity=TrigramSimilarity("title", practice.title))
            .filter(similarity__gte=TRIGRAM_THRESHOLD)
            .order_by("-similarity", "pk")
        )
        return [(row, row.similarity) for row in rows]
    scored = [(row, ratio(row.title, practice.title)) for row in others.only("title", "slug")]
    return sorted(
        ((row, score) for row, score in scored if score >= DIFFLIB_THRESHOLD),
        key=lambda pair: (-pair[1], pair[0].pk),
    )


_PAIRS_SQL = """
SELECT a.id, b.id, similarity(a.title, b.title) AS s
FROM {table} a JOIN {table} b ON a.id < b.id
  AND (a.city_id = b.city_id OR a.lead_organisation_id = b.lead_organisation_id)
WHERE a.title %% b.title AND similarity(a.title, b.title) >= %s
ORDER BY s DESC, a.id, b.id
"""


def likely_pairs():
    """[(id, id, similarity)] of every likely duplicate pair, most similar first."""
    if _postgres():
        table = connection.ops.quote_name(Practice._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(_PAIRS_SQL.format(table=table), [TRIGRAM_THRESHOLD])
            return [(a, b, float(s)) for a, b, s in cursor.fetchall()]
    groups = {}
    rows = Practice.objects.values_list("pk", "title", "city_id", "lead_organisation_id")
    for pk, title, city, lead in rows.order_by("pk"):
        for key in (("city", city), ("lead", lead)):
            if key[1] is not None:
                groups.setdefault(key, []).append((pk, title))
    pairs = {}
    for members in groups.values():
        for i, (a, title_a) in enumerate(members):
            for b, title_b in members[i + 1 :]:
                score = ratio(title_a, title_b)
                if score >= DIFFLIB_THRESHOLD:
                    pairs[(a, b)] = score
    return sorted(((a, b, s) for (a, b), s in pairs.items()), key=lambda p: (-p[2], p[0], p[1]))


def likely_duplicate_ids():
    return {pk for a, b, _s in likely_pairs() for pk in (a, b)}
