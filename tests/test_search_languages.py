"""Search per language: word variants (stemming), accents and case, translated content.

Runs on both databases: PostgreSQL's text-search configurations and SQLite's Snowball
stems must find the same variants.
"""

import pytest
from django.db import connection
from django.utils import translation

from practices.browse import Browse
from practices.models import Practice, PracticeVector
from practices.search_documents import refresh_search_documents

from . import factories

pytestmark = pytest.mark.django_db


def found(query, language="en"):
    with translation.override(language):
        return set(Practice.objects.published().search(query).values_list("slug", flat=True))


def mentioning(word):
    """Published practices whose English text has `word` as a word of its own."""
    return {
        p.slug
        for p in Practice.objects.published().only("slug", "search_document")
        if f" {word} " in p.search_document
    }


@pytest.mark.parametrize(
    ("one", "other"),
    [("volunteers", "volunteer"), ("languages", "language"), ("rumours", "rumour")],
)
def test_a_word_and_its_variant_find_the_same_practices(one, other):
    assert found(one) == found(other)
    # Both find the practices that use either form, as words of their own.
    assert mentioning(one) | mentioning(other) <= found(one)
    assert mentioning(one) - mentioning(other), "the knowledge base should hold both forms"


def test_woman_finds_the_practices_that_mention_women():
    women = mentioning("women")
    assert women
    assert women <= found("woman")
    assert found("woman") == found("women")


def test_accents_and_case_still_fold():
    assert found("malmo") == found("MALMÖ") == found("Malmö")
    assert found("malmo")


def test_a_french_query_finds_french_variants_of_translated_text():
    practice = factories.practice(
        title="Neighbourhood help desk",
        summary="Residents help newcomers with paperwork.",
    )
    Practice.objects.filter(pk=practice.pk).update(
        summary_fr="Un service de bénévolat accompagne les familles nouvellement arrivées."
    )
    refresh_search_documents([practice.pk])
    for query in ("bénévoles", "Bénévole", "BENEVOLAT", "famille", "arrivée"):
        assert practice.slug in found(query, "fr"), query
    # The English page searches the English text: the French words are not in it.
    assert practice.slug not in found("bénévoles", "en")
    # A French page still finds what is only in English (the title), stemmed as English.
    assert practice.slug in found("neighbourhoods", "fr")
    assert practice.slug in found("desks", "fr")


def test_untranslated_practices_are_found_alike_in_every_language():
    """Words of the English text (not of theme names, which each page has in its own
    language) find the same practices on every page."""
    for query in ("mentoring", "malmo", "library", "migrant women"):
        english = found(query)
        assert english, query
        for language in ("fr", "de", "es", "it"):
            assert found(query, language) == english, (query, language)


def test_one_index_lookup_per_search(django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        list(Practice.objects.published().search("volunteers languages").values("pk"))
    with translation.override("fr"), django_assert_max_num_queries(1):
        list(Practice.objects.published().search("bénévoles").values("pk"))


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_searches_the_language_vector_with_its_configuration():
    with translation.override("fr"):
        sql = str(Practice.objects.search("bénévoles").query)
    assert "practices_practicevector" in sql and "portal_french" in sql and "portal_english" in sql
    assert "= fr" in sql or "= 'fr'" in sql
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsvector('portal_french', 'Bénévoles'), "
            "to_tsvector('portal_german', 'Städte')"
        )
        french, german = cursor.fetchone()
    assert french == "'benevol':1"
    assert german == "'stadt':1"


def test_facet_counts_do_not_depend_on_the_language_only_their_labels():
    from django.http import QueryDict

    # Filters, not a search: a search is in the page's language, so may find otherwise.
    params = QueryDict("theme=volunteering&theme=language-learning")

    def facets(language):
        with translation.override(language):
            browse = Browse(params, None)
            return {
                f.name: {v.value: (v.label, v.count) for v in f.values} for f in browse.facets()
            }

    english, french = facets("en"), facets("fr")
    for name in english:
        assert {v: n for v, (_l, n) in english[name].items()} == {
            v: n for v, (_l, n) in french[name].items()
        }, name
    assert english["theme"]["volunteering"][0] == "Volunteering"
    assert french["theme"]["volunteering"][0] == "Bénévolat"


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_practice_has_one_vector_per_language_that_follows_its_text():
    languages = {"en", "fr", "de", "es", "it"}
    assert PracticeVector.objects.count() == len(languages) * Practice.objects.count()
    practice = Practice.objects.published().first()
    practice.title_en = "Zebra crossings for newcomers"
    practice.save()
    refresh_search_documents([practice.pk])
    rows = PracticeVector.objects.filter(practice=practice)
    assert {row.language for row in rows} == languages
    assert practice.slug in found("zebra") and practice.slug in found("zebra", "it")
    practice.delete()
    assert not PracticeVector.objects.filter(practice_id=practice.pk).exists()
