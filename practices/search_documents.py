"""Each practice's search documents: the words it is found by, in each language.

Written here, read by search.py: the document side imports the models, the query side
(search.py) is imported by them.

A practice's document in a language is its text in that language where a curator
translated it, and its English text where not (stemmed as English: an English word
stemmed by the French rules would not meet the French reader's query, nor the English
one). Kept per database:
- `search_document`: the folded English words (portal/text.py), as a reader sees them;
  what tests and the readable side compare against.
- PostgreSQL: one `PracticeVector` row per language (search_store.py), parsed with
  that language's configuration (portal_<language>: its Snowball stemmer after
  unaccent, migration 0017), the English fallback with portal_english. GIN-indexed.
- SQLite: `search_stems`, every language's stems in one column marked by language
  ("en_volunt fr_benevol"), indexed by FTS5 (search.py).
"""

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Value

from portal.text import words

from . import search_lexemes
from .models import Practice, PracticeVector
from .stemming import ORIGINAL, STEMMERS, stem_tokens, with_variants
from .translation import PRACTICE_TEXT

LANGUAGES = tuple(STEMMERS)


def pg_config(language):
    return f"portal_{STEMMERS[language]}"


def _texts(practice, language, *, themes, tags, partners):
    """(own, english): the text a practice has in `language`, and the English text that
    stands in for what is not translated into it (all of it, for English). Title twice:
    a title hit ranks higher."""
    own, english = [], []
    for name in PRACTICE_TEXT:
        original = getattr(practice, f"{name}_{ORIGINAL}") or ""
        text = getattr(practice, f"{name}_{language}") or "" if language != ORIGINAL else ""
        repeat = 2 if name == "title" else 1
        (own if text else english).extend([text or original] * repeat)
    for theme in themes:
        name = getattr(theme, f"name_{language}") if language != ORIGINAL else None
        (own if name else english).append(name or theme.name_en or "")
    # Names of places, organisations and tags are the same in every language.
    if practice.city_id:
        city = practice.city
        english += [city.name, city.country.name, city.country_id]
    if practice.lead_organisation_id:
        english.append(practice.lead_organisation.name)
    english += [o.name for o in partners]
    english += [t.name for t in tags]
    return " ".join(p for p in own if p), " ".join(p for p in english if p)


def search_document_for(practice, *, themes, tags, partners):
    """The folded English words a practice is found by, with the irregular forms."""
    _none, text = _texts(practice, ORIGINAL, themes=themes, tags=tags, partners=partners)
    return " " + " ".join(with_variants(words(text))) + " "


def stems_for(documents):
    """SQLite's search_stems from {language: (own, english)}."""
    tokens = []
    for language, (own, english) in documents.items():
        tokens += stem_tokens(words(own), language, language)
        tokens += stem_tokens(with_variants(words(english)), ORIGINAL, language)
    return " ".join(tokens)


def vectors_for(documents):
    """PostgreSQL's search vectors from {language: (own, english)}, as expressions: the
    own text parsed with the language's configuration, the English with English's."""
    vectors = {}
    for language, (own, english) in documents.items():
        # Folded words, as the query's (portal/text.py): both databases then split the
        # text alike (PostgreSQL's parser would keep "malmo.se" whole, a host name).
        english = " ".join(with_variants(words(english)))
        vector = SearchVector(Value(english), config=pg_config(ORIGINAL))
        if language != ORIGINAL:
            own = " ".join(words(own))
            vector = SearchVector(Value(own), config=pg_config(language)) + vector
        vectors[language] = vector
    return vectors


def refresh_search_documents(practice_ids):
    """Recompute the search documents of these practices, in a fixed number of queries."""
    ids = list(practice_ids)
    if not ids:
        return
    if connection.vendor != "postgresql":
        _refresh(ids, postgres=False)
        return
    # The lexeme store follows the vectors in the same transaction (search_lexemes.py).
    with transaction.atomic():
        search_lexemes.lock(ids)
        before = search_lexemes.entries(ids)
        _refresh(ids, postgres=True)
        search_lexemes.write(ids, before, search_lexemes.entries(ids))


def _refresh(ids, *, postgres):
    practices = (
        Practice.objects.filter(pk__in=ids)
        .select_related("city__country", "lead_organisation")
        .prefetch_related("themes", "tags", "partners")
    )
    changed, vectors = [], []
    for practice in practices:
        related = {
            "themes": practice.themes.all(),
            "tags": practice.tags.all(),
            "partners": practice.partners.all(),
        }
        documents = {lang: _texts(practice, lang, **related) for lang in LANGUAGES}
        practice.search_document = search_document_for(practice, **related)
        if postgres:
            vectors += [
                PracticeVector(practice=practice, language=lang, vector=vector)
                for lang, vector in vectors_for(documents).items()
            ]
        else:
            practice.search_stems = stems_for(documents)
        changed.append(practice)
    fields = ["search_document"] if postgres else ["search_document", "search_stems"]
    Practice.objects.bulk_update(changed, fields, batch_size=200)
    # A language's rows written together share heap pages: a search reads one
    # language's rows, and interleaved with the other four it touched five times the
    # pages.
    PracticeVector.objects.bulk_create(
        sorted(vectors, key=lambda row: (row.language, row.practice.pk)),
        batch_size=200,
        update_conflicts=True,
        unique_fields=["practice", "language"],
        update_fields=["vector"],
    )


def store_search_vectors(queryset):
    """Index the stored English documents of `queryset`, for bulk writers of practices
    that have no translations (the synthetic seeder): every language's document is then
    the English one, stemmed as English. The writer calls search_lexemes.rebuild() once
    it is done: patching the lexeme store batch by batch would rewrite its common rows
    once per batch."""
    if connection.vendor == "postgresql":
        ids, params = queryset.values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            # Parsed once per practice (MATERIALIZED), then stored under every language,
            # a language's rows together: see refresh_search_documents.
            cursor.execute(
                _STORE_ENGLISH.format(ids=ids), [pg_config(ORIGINAL), *params, list(LANGUAGES)]
            )
        return
    rows = []
    for pk, document in queryset.values_list("pk", "search_document"):
        found = words(document)
        rows.append(
            Practice(
                pk=pk,
                search_stems=" ".join(
                    token for lang in LANGUAGES for token in stem_tokens(found, ORIGINAL, lang)
                ),
            )
        )
    Practice.objects.bulk_update(rows, ["search_stems"], batch_size=500)


_STORE_ENGLISH = """
    WITH parsed AS MATERIALIZED (
        SELECT id, to_tsvector(%s::regconfig, search_document) AS vector
        FROM practices_practice WHERE id IN ({ids})
    )
    INSERT INTO practices_practicevector (practice_id, language, vector)
    SELECT parsed.id, language, parsed.vector
    FROM parsed CROSS JOIN unnest(%s::text[]) AS language
    ORDER BY language, parsed.id
    ON CONFLICT (practice_id, language)
    DO UPDATE SET vector = EXCLUDED.vector
"""
