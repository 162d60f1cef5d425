"""Shared pytest fixtures. Settings come from the environment (see the Makefile)."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.core.cache import caches
from django.core.management import call_command
from django.db import connections
from django.utils import translation
from pytest_django.plugin import blocking_manager_key

from portal.fairuse import export_slots
from portal.replicas import health as replica_health
from tests import snapshot

# A read replica for the router's tests (tests/test_replicas.py): the test database
# through a second connection, as Django tests replicas (TEST MIRROR). Declared before
# any connection is made; whatever DATABASE_REPLICA_URLS says, tests start with no
# replica in use (the fixture below), and opt in.
if "replica" not in django_settings.DATABASES:
    django_settings.DATABASES["replica"] = {
        **django_settings.DATABASES["default"],
        "TEST": {"MIRROR": "default"},
    }


@pytest.fixture(autouse=True)
def _no_replica_reads(settings):
    # A test's own transaction is invisible to a second connection: reading from the
    # mirror would miss what the test wrote.
    settings.DATABASE_REPLICAS = []
    replica_health.forget()


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # The manifest storage needs a collectstatic run; tests read static files as they are.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    # The in-memory cache outlives each test's rollback: a test that wrote past the
    # signals (raw SQL, bulk updates) must not leave counts for the next to read.
    from tests.factories import nothing_counted

    nothing_counted()


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # Tests read response.context and change settings and the clock between two requests
    # of one page, which a kept page would not see. tests/test_page_cache.py turns it on.
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _english_outside_requests():
    # LocaleMiddleware activates a request's language in the test's thread and leaves it
    # active: after a /fr/ request, reverse() would give French addresses to the next test.
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Production hashes with PBKDF2 (a million rounds, ~0.25 s a password here); tests
    # create and log in dozens of throwaway users and test no hashing strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fair_use_off(settings):
    # Every test client shares one address, and most tests leave export streams unread
    # (so never closed): rate limits and export slots would trip tests about something
    # else. tests/test_fair_use.py turns them on; each test starts with fresh counts.
    settings.RATELIMIT_ENABLE = False
    settings.FAIR_USE_EXPORT_CONCURRENCY = 0
    caches[settings.RATELIMIT_USE_CACHE].clear()
    export_slots.reset()


LOADED = pytest.StashKey[tuple]()


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker):
    """Every test database starts with the real knowledge base from fixtures/.

    Loaded once per session; each test's changes roll back. Tests that flush the
    database (live_server, transactional_db) get it back with `knowledge_base` below,
    from a copy of the rows taken here, right after the loader ran.
    """
    with django_db_blocker.unblock():
        call_command("load_knowledge_base", verbosity=0)
        request.config.stash[LOADED] = snapshot.take()


@pytest.fixture(scope="session")
def knowledge_base_copy(request, django_db_setup):
    """Every row of every table just after the session's load (see tests/snapshot.py)."""
    return request.config.stash[LOADED]


@pytest.fixture
def knowledge_base(transactional_db, knowledge_base_copy):
    """The database exactly as the session's load left it, whatever ran before.

    Restored from the copy, not reloaded through the loader: ~0.03 s on SQLite and
    ~0.4 s on PostgreSQL instead of ~7 s and ~14 s. tests/test_snapshot.py checks it.
    """
    snapshot.restore(knowledge_base_copy)


def _flushes(item):
    """Whether the test's database is flushed when it ends (live_server, transactional)."""
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    return bool(
        "transactional_db" in names
        or "live_server" in names
        or (marker and marker.kwargs.get("transaction"))
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a test that flushed the database, put the knowledge base back at once.

    pytest may run such tests before others (it groups tests by parametrised fixtures,
    such as the browser), and a test that follows must find the knowledge base loaded.
    """
    yield
    # The last test's teardown also dropped the test database: nothing left to restore.
    if nextitem is not None and _flushes(item) and LOADED in item.config.stash:
        with item.config.stash[blocking_manager_key].unblock():
            snapshot.restore(item.config.stash[LOADED])
            # Opened outside any test: closed here, or PostgreSQL cannot drop the test
            # database at the end ("being accessed by other users").
            connections.close_all()


@pytest.fixture(autouse=True)
def _knowledge_base_first(request):
    # The restore empties every table: it must come before fixtures that add rows
    # (superuser, editor...), in whatever order a test names them. Autouse fixtures
    # are set up before the ones a test asks for.
    if "knowledge_base" in request.fixturenames:
        request.getfixturevalue("knowledge_base")


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("admin", "admin@example.eu", "a-long-test-password")


@pytest.fixture
def editor(db):
    user = User.objects.create_user("editor", "editor@example.eu", "a-long-test-password")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name="Editors"))
    return user
