"""Atom feeds of the browser's results: valid Atom, the browser's filters, no drafts."""

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from html import unescape

import feedparser
import pytest
from django.urls import reverse

from practices.feeds import FEED_SIZE
from practices.models import Practice

from . import factories
from .test_export import EXPORT, rows

pytestmark = pytest.mark.django_db
FEED = reverse("practices:feed")
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response):
    """(slug, updated) of each entry, read with the standard library's XML parser."""
    root = ET.fromstring(response.content)  # noqa: S314 - the portal's own feed, in a test
    assert root.tag == f"{ATOM}feed"
    found = []
    for entry in root.findall(f"{ATOM}entry"):
        link = entry.find(f"{ATOM}link").get("href")
        slug = link.rstrip("/").rsplit("/", 1)[-1]
        found.append((slug, datetime.fromisoformat(entry.find(f"{ATOM}updated").text)))
    return found


@pytest.mark.parametrize(
    "query",
    [
        {"theme": "volunteering", "country": "SE"},
        {"theme": "language-learning"},
        {"country": ["IT", "ES"], "status": "ongoing"},
        {"q": "youth"},
        {"kind": "publication"},
    ],
)
def test_the_feed_is_valid_atom_with_the_practices_the_filters_select(client, query):
    response = client.get(FEED, query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    expected = {row["slug"] for row in rows(client.get(EXPORT, query))}
    assert 0 < len(expected) <= FEED_SIZE
    assert {slug for slug, _updated in entries(response)} == expected
    for entry in parsed.entries:
        assert entry.title and entry.summary and entry.link and entry.updated and entry.id
    assert parsed.feed.title.startswith("City Practice Portal: practices")
    assert parsed.feed.author == "City Practice Portal"


def test_entries_say_title_summary_city_and_themes_and_are_newest_first(client):
    older = factories.practice(title="Zz older one", themes=("volunteering", "anti-rumour"))
    newer = factories.practice(title="Zz newer one", themes=("volunteering",))
    Practice.objects.filter(pk=older.pk).update(updated=newer.updated.replace(year=2030))
    older.refresh_from_db()
    response = client.get(FEED, {"theme": "volunteering"})
    found = entries(response)
    assert [slug for slug, _ in found[:2]] == [older.slug, newer.slug]
    assert found[0][1] == older.updated  # `updated` is the record's own
    assert [u for _s, u in found] == sorted((u for _s, u in found), reverse=True)
    entry = feedparser.parse(response.content).entries[0]
    assert entry.title == f"{older.title} ({older.city.name})"
    assert older.summary in unescape(entry.summary)
    assert f"City: {older.city.name}, {older.city.country.name}" in entry.summary
    assert {t.term for t in entry.tags} == {"Volunteering", "Anti-rumour work"}
    assert entry.link == f"http://testserver{older.get_absolute_url()}"
    assert entry.published_parsed is not None


def test_drafts_never_appear_even_for_staff(client, superuser):
    draft = factories.practice(title="Zz draft in a feed", is_published=False, tags=("zzdraft",))
    for signed_in in (False, True):
        if signed_in:
            client.force_login(superuser)
        everything = client.get(FEED, {"kind": ["initiative", "strategy", "publication"]})
        assert draft.slug not in {slug for slug, _ in entries(everything)}
        assert draft.slug.encode() not in client.get(FEED, {"theme": "social-cohesion"}).content
        # A tag only a draft carries is unknown to the feed: it filters nothing, says nothing.
        assert b"zzdraft" not in client.get(FEED, {"tag": "zzdraft"}).content


def test_the_browser_offers_to_follow_its_results(client):
    response = client.get(
        reverse("practices:list"),
        {"theme": "volunteering", "country": "SE", "page": "2", "sort": "newest"},
    )
    html = response.content.decode()
    follow = re.search(r'<a id="follow-feed"[^>]*href="([^"]+)"', html).group(1)
    alternate = re.search(
        r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"', html
    ).group(1)
    assert unescape(follow) == unescape(alternate) == f"{FEED}?theme=volunteering&country=SE"
    followed = entries(client.get(unescape(follow)))
    listed = rows(client.get(EXPORT, {"theme": "volunteering", "country": "SE"}))
    assert {slug for slug, _ in followed} == {row["slug"] for row in listed}
    assert "Follow these results" in html


def test_query_count_does_not_grow_with_entries(client, django_assert_max_num_queries):
    query = {"theme": "volunteering", "q": "zzmany"}
    factories.practice(title="Zzmany first", themes=("volunteering",))
    with django_assert_max_num_queries(8) as few:
        assert len(entries(client.get(FEED, query))) == 1
    for n in range(30):
        factories.practice(title=f"Zzmany {n}", themes=("volunteering", "anti-rumour"))
    with django_assert_max_num_queries(8) as many:
        assert len(entries(client.get(FEED, query))) == 31
    assert len(many) == len(few)
