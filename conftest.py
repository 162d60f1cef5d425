"""Shared pytest fixtures. Settings come from the environment (see the Makefile)."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # The manifest storage needs a collectstatic run; tests read static files as they are.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the real knowledge base from fixtures/.

    Loaded once per session; each test's changes roll back. Tests that flush the
    database (live_server, transactional_db) reload it with `knowledge_base` below.
    """
    with django_db_blocker.unblock():
        call_command("load_knowledge_base", verbosity=0)


@pytest.fixture
def knowledge_base(transactional_db):
    call_command("load_knowledge_base", verbosity=0)


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
