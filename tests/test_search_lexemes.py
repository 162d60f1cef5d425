"""PostgreSQL's lexeme store (practices/search_lexemes.py): a one-word search read from
it finds and ranks exactly what ts_rank over the vectors does, and every write keeps it
as a rebuild from the vectors would make it."""

import threading
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from pyroaring import BitMap

from benchmarks.management.commands.seed_synthetic import WORDS
from cities.models import City
from practices import facet_bitmaps, search, search_lexemes
from practices.browse import Browse
from practices.models import Practice, SearchLexeme, Theme
from practices.search_documents import LANGUAGES, refresh_search_documents
from tests import factories

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'postgresql'"),
]


def ranked_in_sql(word, language):
    """[(rank, bitmap)] from the highest, as ts_rank over the vectors gives them."""
    terms = [word]
    rows = search._matches(terms, language).annotate(rank=search._rank(terms, language))
    groups = {}
    for pk, rank in facet_bitmaps.rows(rows.values_list("practice_id", "rank")):
        # PostgreSQL sends the real's shortest text; as a float it is the same number.
        groups.setdefault(search_lexemes._f32(rank), BitMap()).add(pk)
    return sorted(groups.items(), reverse=True, key=lambda pair: pair[0])


def comparable(ranks):
    return [(rank, list(ids)) for rank, ids in ranks]


def words_of_titles():
    """Every word of the practices' titles, and its first three and four letters."""
    found = set()
    for title in Practice.objects.values_list("title", flat=True):
        for word in search.query_words(title):
            found |= {word, word[:3], word[:4]}
    return sorted(found)


def assert_ranked_alike(words):
    answered = 0
    for language in LANGUAGES:
        for word in words:
            stored = search_lexemes.ranks(word, language, search._configs(language))
            if stored is None:
                continue
            answered += 1
            assert comparable(stored) == comparable(ranked_in_sql(word, language)), (
                word,
                language,
            )
    return answered


def test_it_ranks_every_title_word_as_ts_rank_does_on_the_knowledge_base():
    words = words_of_titles()
    answered = assert_ranked_alike(words)
    # Most words are answered here: the rest are stop words or prefixes too short.
    assert answered > len(words) * len(LANGUAGES) // 2


def test_it_ranks_as_ts_rank_does_on_a_synthetic_set():
    call_command("seed_synthetic", practices=300, assessments=0, verbosity=0)
    words = sorted({w for word in WORDS for w in (word, word[:3]) if w.isalpha()})
    assert assert_ranked_alike(words) > len(words)


def browsed(query):
    """A French visitor's first page (ids), total and every facet's counts."""
    with translation.override("fr"):
        browse = Browse(QueryDict(query), AnonymousUser())
        counts = {
            facet.name: {v.value: v.count for v in facet.values if v.count}
            for facet in browse.facets()
        }
        return browse.page_ids(0, 20), browse.count(), counts


QUERIES = ["q=integration", "q=lang", "q=volunt&theme=volunteering", "q=women&sort=title"]


def test_a_search_page_orders_and_counts_as_the_sql_path_does(monkeypatch):
    stored = {query: browsed(query) for query in QUERIES}
    monkeypatch.setattr(search_lexemes, "ranks", lambda *args, **kwargs: None)
    for query in QUERIES:
        assert stored[query] == browsed(query), query
        assert stored[query][1] > 0, query


def test_several_words_and_short_prefixes_are_left_to_sql(monkeypatch):
    assert search._stored("default", ["language", "cafe"], "en") is None
    assert search._stored("default", ["language"], "en") is not None
    stored = browsed("q=lang")
    monkeypatch.setattr(search_lexemes, "MAX_ROWS", 1)
    assert search_lexemes.ranks("lang", "en", search._configs("en")) is None
    assert browsed("q=lang") == stored


def stored_rows():
    rows = SearchLexeme.objects.exclude(members=b"").values_list(
        "language", "lexeme", "weights", "members"
    )
    return {(lang, lex, w): list(facet_bitmaps.from_blob(blob)) for lang, lex, w, blob in rows}


def rebuilt_rows():
    every = Practice.objects.values_list("pk", flat=True)
    return {key: list(ids) for key, ids in search_lexemes.entries(every).items()}


def test_writes_of_every_kind_keep_the_store_as_a_rebuild_would_make_it(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        practice = Practice.objects.filter(city__isnull=False).first()
        practice.title = "Storytelling evenings for newcomers"
        practice.save()
        practice.tags.add("lexeme-test-tag")
        theme = Theme.objects.filter(practices__isnull=False).first()
        theme.name = "Renamed theme of many practices"
        theme.save()
        city = City.objects.filter(practices__isnull=False).last()
        city.name = "Zanzibarville"
        city.save()
        gone = Practice.objects.exclude(pk=practice.pk).last()
        gone_id = gone.pk
        gone.delete()
    factories.practice(title="Brand new kiosk of advice", tags=["kiosk-tag"])
    assert stored_rows() == rebuilt_rows()
    assert not any(gone_id in ids for ids in stored_rows().values())
    with translation.override("en"):
        assert Practice.objects.search("storytelling").filter(pk=practice.pk).exists()
        assert Practice.objects.search("zanzibarville").count() == city.practices.count()
        assert Practice.objects.search("kiosk").count() == 1


def test_a_rebuild_makes_the_same_rows_as_the_writes_did():
    factories.practice(title="Lantern walks with neighbours")
    before = stored_rows()
    search_lexemes.rebuild()
    assert stored_rows() == before
    assert before


def test_a_save_that_changes_no_word_rewrites_no_row(django_capture_on_commit_callbacks):
    practice = Practice.objects.filter(is_published=True).first()
    practice.is_published = False
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        practice.save()
    writes = [q["sql"] for q in queries if "practices_searchlexeme" in q["sql"]]
    assert not [sql for sql in writes if sql.lstrip().startswith(("UPDATE", "INSERT"))]
    # It did look: the entries before and after were read.
    assert len([q for q in queries if "unnest(v.vector)" in q["sql"]]) == 2


def test_migrate_builds_a_missing_store():
    SearchLexeme.objects.all().delete()
    search_lexemes.ensure_search_lexemes()
    assert stored_rows() == rebuilt_rows()
    assert SearchLexeme.objects.exists()


def test_two_refreshes_of_one_practice_at_once_take_turns(knowledge_base, monkeypatch):
    # A curator retitles a practice while another renames one of its themes; both
    # refresh its search documents. Were the second to read the practice's entries
    # before the first commits, it would write vectors without the new title and
    # leave the first's new words in the store. Locking the practice first makes it
    # wait, then read what the first wrote.
    practice = Practice.objects.filter(themes__isnull=False).order_by("pk").first()
    theme = practice.themes.order_by("pk").first()
    first_wrote, second_read, errors = threading.Event(), threading.Event(), []
    entries = search_lexemes.entries

    def read_entries(ids):
        found = entries(ids)
        if threading.current_thread().name == "second":
            second_read.set()
        return found

    monkeypatch.setattr(search_lexemes, "entries", read_entries)

    def first():
        try:
            with transaction.atomic():
                Practice.objects.filter(pk=practice.pk).update(title="Alpha lanterns")
                refresh_search_documents([practice.pk])
                first_wrote.set()
                # Without the lock the second reads now; with it, it waits for us.
                second_read.wait(2)
                time.sleep(0.5)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    def second():
        try:
            first_wrote.wait(10)
            Theme.objects.filter(pk=theme.pk).update(name="Renamed while retitled")
            refresh_search_documents([practice.pk])
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second, name="second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert stored_rows() == rebuilt_rows()
    with translation.override("en"):
        for word in ("lanterns", "retitled"):
            assert Practice.objects.search(word).filter(pk=practice.pk).exists(), word
