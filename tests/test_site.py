"""What a new user and a search engine find: sources list, sitemap, robots, favicon,
page descriptions and link previews."""

import re

import pytest
from django.urls import reverse

from cities.models import City
from practices.models import Practice, Theme
from sources.models import SourceDocument

from . import factories

pytestmark = pytest.mark.django_db


def meta(page, attribute, name):
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', page)
    return match.group(1) if match else None


def test_the_sources_list_names_every_source_document(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        page = client.get(reverse("practices:sources"))
    assert page.status_code == 200
    for document in SourceDocument.objects.all():
        assert document.get_absolute_url() in page.content.decode()


def test_the_sitemap_lists_published_pages_and_never_drafts(client, django_assert_max_num_queries):
    draft = factories.practice(slug="a-draft", is_published=False)
    # Two queries a section (its size, its rows), never one a row.
    with django_assert_max_num_queries(2 * 7):
        response = client.get(reverse("sitemap"))
    urls = set(re.findall(r"<loc>([^<]+)</loc>", response.content.decode()))
    practice = Practice.objects.published().first()
    assert f"http://testserver{practice.get_absolute_url()}" in urls
    assert f"http://testserver{City.objects.first().get_absolute_url()}" in urls
    assert "http://testserver/practices/sources/" in urls
    assert f"http://testserver{draft.get_absolute_url()}" not in urls
    assert len(urls) > Practice.objects.published().count()
    # Every page in each language, its alternates named (hreflang, x-default English).
    assert f"http://testserver/fr{practice.get_absolute_url()}" in urls
    assert "http://testserver/de/practices/sources/" in urls
    assert (
        f'hreflang="it" href="http://testserver/it{practice.get_absolute_url()}"'
        in response.content.decode()
    )
    assert f'hreflang="x-default" href="http://testserver{practice.get_absolute_url()}"' in (
        response.content.decode()
    )


def test_robots_keeps_crawlers_out_of_the_admin_and_points_at_the_sitemap(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_there_is_a_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
    assert 'rel="icon"' in client.get("/").content.decode()


def test_practice_city_and_theme_pages_describe_themselves(client):
    practice = Practice.objects.get(slug="stockholm-crossroads")
    page = client.get(practice.get_absolute_url()).content.decode()
    assert meta(page, "name", "description").startswith(practice.summary.split()[0])
    assert meta(page, "property", "og:title") == practice.title
    assert meta(page, "property", "og:type") == "article"
    assert meta(page, "property", "og:url") == f"http://testserver{practice.get_absolute_url()}"

    city = City.objects.get(slug="vantaa")
    page = client.get(city.get_absolute_url()).content.decode()
    assert meta(page, "property", "og:title") == city.name
    assert meta(page, "name", "description")

    theme = Theme.objects.get(slug="volunteering")
    page = client.get(reverse("practices:list"), {"theme": theme.slug}).content.decode()
    assert meta(page, "property", "og:title") == theme.name
    assert theme.name in meta(page, "name", "description")
    assert meta(client.get("/themes/").content.decode(), "property", "og:title")
