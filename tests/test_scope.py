"""Scope and place: a national practice without a city is found under its country by
the browser, its facet counts and the export alike; the city facet leaves it out."""

import csv
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict
from django.urls import reverse

from cities.models import Country
from practices.browse import Browse
from practices.models import Practice

from . import factories

pytestmark = pytest.mark.django_db
LUXEMBOURG_NATIONAL = {"luxembourg-law-on-intercultural-living-together", "luxembourg-gemengepakt"}


def listed(client, query):
    slugs, page = [], 1
    while True:
        response = client.get(reverse("practices:list"), {**query, "page": page})
        assert response.status_code == 200
        slugs += [p.slug for p in response.context["practices"]]
        if not response.context["page"].has_next():
            return slugs
        page += 1


def exported(client, query):
    response = client.get(reverse("practices:export"), query)
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def facet_count(browse, name, value):
    for facet in browse.facets():
        if facet.name == name:
            return {v.value: v.count for v in facet.values}.get(value, 0)
    raise AssertionError(name)


def test_luxembourg_lists_the_ministrys_law_and_pact(client):
    for slug in LUXEMBOURG_NATIONAL:
        practice = Practice.objects.get(slug=slug)
        assert (practice.city, practice.scope, practice.country_id) == (None, "national", "LU")
    slugs = listed(client, {"country": "LU"})
    assert set(slugs) >= LUXEMBOURG_NATIONAL
    # Every one listed is in Luxembourg, by its city or its own country.
    for practice in Practice.objects.filter(slug__in=slugs):
        assert practice.effective_country.code == "LU"


def test_the_export_and_the_facet_agree_with_the_page(client):
    slugs = listed(client, {"country": "LU"})
    rows = exported(client, {"country": "LU"})
    assert sorted(r["slug"] for r in rows) == sorted(slugs)
    assert {r["country_code"] for r in rows} == {"LU"}
    by_slug = {r["slug"]: r for r in rows}
    assert by_slug["luxembourg-gemengepakt"]["scope"] == "national"
    assert by_slug["luxembourg-gemengepakt"]["country"] == "Luxembourg"
    unfiltered = Browse(QueryDict(""), AnonymousUser())
    assert facet_count(unfiltered, "country", "LU") == len(slugs)


def test_the_city_facet_does_not_count_a_practice_without_a_city(client):
    browse = Browse(QueryDict("country=LU"), AnonymousUser())
    city_total = sum(v.count for f in browse.facets() if f.name == "city" for v in f.values)
    in_cities = Practice.objects.filter(
        slug__in=listed(client, {"country": "LU"}), city__isnull=False
    ).count()
    assert city_total == in_cities < browse.count()


def test_a_city_s_country_wins_over_the_practice_s_own(client):
    practice = factories.practice(slug="placed-twice", country=Country.objects.get(code="LU"))
    assert practice.city is not None and practice.city.country_id != "LU"
    assert "placed-twice" not in listed(client, {"country": "LU"})
    assert "placed-twice" in listed(client, {"country": practice.city.country_id})


def test_every_practice_without_a_city_is_placed_or_european():
    for practice in Practice.objects.filter(city__isnull=True):
        assert practice.country_id or practice.scope == "european", practice.slug


def test_a_national_practice_without_a_country_is_refused():
    practice = Practice.objects.get(slug="luxembourg-gemengepakt")
    practice.country = None
    with pytest.raises(Exception, match="country"):
        practice.full_clean()
