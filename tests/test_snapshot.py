"""The copy of the loaded knowledge base that browser tests are restored from (snapshot.py)."""

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command

from portal.text import words
from practices.models import Practice

from . import factories, snapshot
from .expectations import matches

# Tables the browser tests read that the loader fills, by model.
LOADED_MODELS = [
    "practices.Practice",
    "practices.Practice_themes",
    "sources.Citation",
    "cities.City",
    "cities.Organisation",
    "benchmarks.Factor",
    "taggit.Tag",
    "taggit.TaggedItem",
    "reversion.Revision",
    "reversion.Version",
    "contenttypes.ContentType",
    "auth.Group",
]
QUERIES = ["migrants", "youth", "malmo", "women work", "roma", "city", "employ"]


def rows_of(tables, label):
    name = apps.get_model(label)._meta.db_table
    return next(t.rows for t in tables if t.name == name)


def expected_matches(query):
    """What search should find, worked out in Python from the stored search documents."""
    documents = Practice.objects.values_list("pk", "search_document")
    return {pk for pk, document in documents if matches(words(document), query)}


@pytest.mark.django_db
def test_the_copy_is_the_database_as_loaded(knowledge_base_copy):
    loaded = knowledge_base_copy
    assert snapshot.take() == loaded
    for label in LOADED_MODELS:
        model = apps.get_model(label)
        assert len(rows_of(loaded, label)) == model._base_manager.count() > 0, label


def write_something():
    practice = Practice.objects.get(slug="stockholm-crossroads")
    practice.title = "Renamed by a test"
    practice.save()
    factories.practice(slug="written-by-a-test")
    gone = Practice.objects.filter(city__slug="vantaa").first()
    gone.delete()
    User.objects.create_user("someone")
    return gone


def assert_as_loaded(loaded, gone):
    assert snapshot.take() == loaded
    assert Practice.objects.get(slug="stockholm-crossroads").title != "Renamed by a test"
    assert not Practice.objects.filter(slug="written-by-a-test").exists()
    assert Practice.objects.get(slug=gone.slug).citations.exists()
    assert not User.objects.filter(username="someone").exists()


def test_a_restore_undoes_every_write(knowledge_base, knowledge_base_copy):
    assert snapshot.take() == knowledge_base_copy
    gone = write_something()
    snapshot.restore(knowledge_base_copy)
    assert_as_loaded(knowledge_base_copy, gone)


def test_a_restore_undoes_live_servers_flush(knowledge_base, knowledge_base_copy):
    gone = write_something()
    # What live_server's teardown does: empty the tables, then post_migrate refills
    # content types and permissions under new ids.
    call_command("flush", interactive=False, verbosity=0)
    assert snapshot.take() != knowledge_base_copy
    snapshot.restore(knowledge_base_copy)
    assert_as_loaded(knowledge_base_copy, gone)


def test_search_works_after_a_restore(knowledge_base, knowledge_base_copy):
    # Committed (transactional test): the signals index it as the live site would.
    written = factories.practice(slug="xylophonic-practice", title="Xylophonic outreach")
    assert list(Practice.objects.search("xylophonic")) == [written]

    snapshot.restore(knowledge_base_copy)

    # SQLite's FTS5 index is outside the copy; it must follow the rows, not keep the old.
    assert not Practice.objects.search("xylophonic").exists()
    for query in QUERIES:
        found = set(Practice.objects.search(query).values_list("pk", flat=True))
        assert found == expected_matches(query), query
        assert found, query


def test_rows_from_fixtures_listed_before_it_survive(superuser, editor, knowledge_base):
    # The restore empties every table, so it must run before fixtures that add rows,
    # whatever order a test names them in (`def test_x(page, editor, site)`).
    assert User.objects.filter(pk__in=[superuser.pk, editor.pk]).count() == 2
    assert editor.groups.filter(name="Editors").exists()
