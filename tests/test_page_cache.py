"""Whole anonymous pages kept per content version (sources/pages.py): a repeated view
runs no page query, and no write, filter, language, day or visitor ever gets a page
that is not theirs."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from practices.models import Practice
from tests import factories
from tests.admin_forms import edit_in_admin

LIST = "/practices/"


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600


def text(client, url=LIST, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_a_repeated_page_costs_one_query(client, django_assert_max_num_queries):
    first = text(client, theme="volunteering")
    # The content version, and nothing else: no counts, no page, no template.
    with django_assert_max_num_queries(1):
        again = text(client, theme="volunteering")
    assert again == first


@pytest.mark.django_db
def test_it_keeps_the_headers_that_describe_the_page(client):
    first = client.get(LIST)
    again = client.get(LIST)
    assert again["Content-Type"] == first["Content-Type"]
    assert again["ETag"] == first["ETag"]
    assert "no-cache" in again["Cache-Control"]


@pytest.mark.django_db
def test_each_filter_gets_its_own_page(client):
    everything = text(client)
    volunteering = text(client, theme="volunteering")
    assert volunteering != everything
    assert text(client) == everything


@pytest.mark.django_db
def test_an_admin_edit_shows_at_once(client, superuser):
    practice = Practice.objects.published().get(slug="vantaa-skills-centre")
    assert "Renamed by a curator" not in text(client, practice.get_absolute_url())
    assert "Renamed by a curator" not in text(client, city=practice.city.slug)
    response = edit_in_admin(client, superuser, practice, title_en="Renamed by a curator")
    assert response.status_code == 302
    assert "Renamed by a curator" in text(client, practice.get_absolute_url())
    assert "Renamed by a curator" in text(client, city=practice.city.slug)


@pytest.mark.django_db
def test_a_tag_change_shows_at_once(client):
    practice = Practice.objects.published().of_browser_kinds().get(slug="vantaa-skills-centre")
    # A city's few practices show all their tags in the tag facet.
    assert "page-cache-tag" not in text(client, city=practice.city.slug)
    practice.tags.add("page-cache-tag")
    assert "page-cache-tag" in text(client, city=practice.city.slug)


@pytest.mark.django_db
def test_a_reload_shows_at_once(client):
    practice = Practice.objects.published().get(slug="vantaa-skills-centre")
    original = practice.title
    practice.title = "Edited before the reload"
    practice.save()
    assert "Edited before the reload" in text(client, practice.get_absolute_url())
    call_command("load_knowledge_base", overwrite_curated=True, verbosity=0)
    page = text(client, practice.get_absolute_url())
    assert "Edited before the reload" not in page
    assert original in page


@pytest.mark.django_db
def test_a_new_day_renders_afresh(client):
    # "May be out of date" appears with time alone, no write: the day is in the key.
    practice = Practice.objects.published().get(slug="luxembourg-gemengepakt")
    practice.last_verified_on = datetime.date(2024, 1, 10)
    practice.save()
    url = practice.get_absolute_url()
    with time_machine.travel(datetime.datetime(2026, 1, 9, 12, tzinfo=datetime.UTC)):
        assert "May be out of date" not in text(client, url)
    with time_machine.travel(datetime.datetime(2026, 1, 11, 12, tzinfo=datetime.UTC)):
        assert "May be out of date" in text(client, url)


@pytest.mark.django_db
def test_signed_in_visitors_never_get_a_kept_page(client, superuser):
    factories.practice(
        slug="draft-for-page-cache", title="A draft for the page cache", is_published=False
    )
    anonymous = text(client, q="draft page cache")
    client.force_login(superuser)
    signed_in = text(client, q="draft page cache")
    assert anonymous != signed_in
    assert "A draft for the page cache" not in anonymous


@pytest.mark.django_db
def test_a_head_request_is_not_kept_as_the_page(client):
    assert client.head(LIST).status_code == 200
    assert "results" in text(client).lower()


@pytest.mark.django_db
def test_exports_are_never_kept(client):
    url = reverse("practices:export")
    b"".join(client.get(url, {"theme": "volunteering"}).streaming_content)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"theme": "volunteering"})
        assert response.streaming
        rows = b"".join(response.streaming_content)
    assert b"volunteer" in rows.lower()
    assert len(queries) > 1


@pytest.mark.django_db
def test_each_language_gets_its_own_page(client):
    english = text(client)
    french = text(client, "/fr/practices/")
    assert french != english
    assert 'lang="fr"' in french
    assert text(client) == english
    assert 'lang="fr"' in text(client, "/fr/practices/")
