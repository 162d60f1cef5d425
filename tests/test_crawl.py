"""Crawls of every internal link: no server error anywhere, and nothing private shown."""

import re
from collections import deque
from html import unescape

import pytest
from django.core.management import call_command

from benchmarks.assessments.models import Assessment
from benchmarks.models import Benchmark, Factor, Illustration
from cities.models import City, Contact, Membership, Network

from . import factories

pytestmark = pytest.mark.django_db
LINK = re.compile(r'href="(/[^"#]*)')
MAX_PAGES = 300


def content(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def crawl(client, visit):
    """GET every internal link reachable from the home page (and the exports they link
    to), calling visit(url, response, text) on each; returns the URLs seen."""
    # Pages first, then query-string variants (facet links multiply fast): the cap
    # must not be spent on filter combinations before every page was reached.
    # The cap counts pages fetched, not links found: a page with a map links every city
    # and, in the browser, a variant per city, so links found run far ahead of visits.
    seen, pages, variants, visits = {"/"}, deque(["/"]), deque(), 0
    while (pages or variants) and visits < MAX_PAGES:
        visits += 1
        url = (pages or variants).popleft()
        response = client.get(url)
        text = content(response) if response.status_code < 500 else ""
        visit(url, response, text)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        for link in LINK.findall(text):
            link = unescape(link)
            if link.startswith(("/admin/", "/static/")) or link in seen:
                continue
            seen.add(link)
            (variants if "?" in link else pages).append(link)
    return seen


def test_a_crawl_of_every_internal_link_finds_no_server_error(client):
    # Assessments without an author (seed_synthetic makes them so) once answered 500.
    call_command("seed_synthetic", assessments=5, verbosity=0)
    errors = []
    seen = crawl(
        client,
        lambda url, response, text: (
            response.status_code >= 500 and errors.append((url, response.status_code))
        ),
    )
    assert errors == []
    assert len(seen) > 300  # it did reach the practices, cities, organisations...
    assert any(url.startswith("/benchmarks/assessments/") for url in seen)


def test_nothing_private_is_anywhere_a_visitor_can_go(client):
    """A draft linked to everything a page can show (a city, a tag, a network's city, a
    VALUES factor, an assessment's rating) and a private contact: no public page, facet,
    search or export ever names them."""
    city = City.objects.get(slug="vantaa")
    draft = factories.practice(
        slug="zz-private-draft", title="Zzprivate draft practice", city=city, is_published=False
    )
    draft.tags.add("zzprivate-tag")
    assert Membership.objects.filter(city=city, network__in=Network.objects.all()).exists()
    Illustration.objects.create(practice=draft, factor=Factor.objects.first(), note="x")
    assessment = Assessment.objects.create(
        city=city, benchmark=Benchmark.objects.get(slug="values-theme-a"), date="2026-01-01"
    )
    assessment.ratings.create(factor=assessment.benchmark.factors.first()).practices.add(draft)
    secret = Contact.objects.create(
        key="zz-secret", name="Zzsecret Person", email="zzsecret@example.eu", is_public=False
    )
    draft.contacts.add(secret)
    Contact.objects.filter(pk=secret.pk).update(city=city)
    client.get("/practices/", {"q": "zzprivate"})  # a search, as a visitor would try

    leaks = []
    # What only the draft and the private contact hold (a visitor's own query, echoed
    # back in a search box or a notice, is not a leak: none of these is typed below).
    needles = ("zzprivate draft", "zz-private-draft", "zzprivate-tag", "zzsecret")

    def visit(url, response, text):
        found = [needle for needle in needles if needle in text.lower()]
        if found:
            leaks.append((url, found))

    seen = crawl(client, visit)
    for url in ("/practices/?q=zzprivate", "/contacts/export.csv", "/sitemap.xml"):
        response = client.get(url)
        visit(url, response, content(response))
    assert leaks == []
    assert len(seen) > 300
    unknown = client.get("/practices/", {"tag": "zzprivate-tag"}).content.decode()
    assert "Ignored tag" in unknown
