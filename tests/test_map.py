"""The maps: a marker for every city with coordinates, in the right place, at no
per-city query; cities without coordinates listed; the browser's markers filter."""

import re
from collections import Counter
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cities import map as citymap
from cities.models import City, Country, Network
from practices.models import Practice

from . import factories

pytestmark = pytest.mark.django_db

MARKER = re.compile(r'<a class="marker[^"]*" href="([^"]*)" aria-label="([^"]*)"')


def markers(response):
    """{label: href} of the map's markers."""
    text = response.content.decode()
    return {unescape(label): unescape(href) for href, label in MARKER.findall(text)}


def label(city, count):
    return f"{city.name}, {city.country.name}: {count} practice{'' if count == 1 else 's'}"


def published_counts(practices=None):
    practices = Practice.objects.published() if practices is None else practices
    return Counter(practices.exclude(city=None).values_list("city_id", flat=True))


def expected_labels(cities, counts):
    located = cities.exclude(latitude=None).exclude(longitude=None).select_related("country")
    return {label(city, counts[city.pk]) for city in located}


MAP_PAGES = {
    "home": lambda: (reverse("home"), City.objects.all()),
    "cities": lambda: (reverse("cities:list"), City.objects.all()),
    "city": lambda: (reverse("cities:detail", args=["vantaa"]), City.objects.all()),
    "network": lambda: (
        reverse("cities:network", args=["values-project"]),
        City.objects.filter(memberships__network__slug="values-project"),
    ),
}


@pytest.mark.parametrize("name", list(MAP_PAGES))
def test_each_map_draws_a_marker_for_every_city_with_coordinates(client, name):
    url, cities = MAP_PAGES[name]()
    shown = markers(client.get(url))
    assert set(shown) == expected_labels(cities, published_counts())
    assert len(shown) >= 5
    assert all(href.startswith("/cities/") for href in shown.values())


def test_the_city_page_highlights_its_city_among_the_others(client):
    text = client.get(reverse("cities:detail", args=["vantaa"])).content.decode()
    current = re.findall(r'<a class="marker current" href="([^"]*)"', text)
    assert current == ["/cities/vantaa/"]
    assert '<text class="marker-label"' in text and ">Vantaa</text>" in text


def test_the_browser_map_shows_the_results_cities_with_their_counts(client):
    response = client.get(reverse("practices:list"), {"theme": "volunteering", "country": "SE"})
    results = Practice.objects.published().of_browser_kinds()
    results = results.filter(themes__slug="volunteering", city__country="SE")
    counts = published_counts(results)
    assert len(counts) >= 2
    shown = markers(response)
    assert set(shown) == expected_labels(City.objects.filter(pk__in=counts), counts)


def test_a_browser_marker_adds_the_city_and_keeps_the_other_filters(client):
    params = {"theme": "volunteering", "country": "SE", "sort": "newest", "page": "1"}
    shown = markers(client.get(reverse("practices:list"), params))
    for text, href in shown.items():
        parts = urlsplit(href)
        query = parse_qs(parts.query)
        assert parts.path == reverse("practices:list")
        assert query["theme"] == ["volunteering"] and query["country"] == ["SE"]
        assert query["sort"] == ["newest"] and "page" not in query
        city = City.objects.get(slug=query["city"][0])
        count = int(re.search(r": (\d+) practices?$", text).group(1))
        narrowed = client.get(href).context["page"].paginator.count
        assert narrowed == count
        assert text.startswith(f"{city.name}, ")


def test_while_cities_are_ticked_the_browser_map_shows_those(client):
    response = client.get(reverse("practices:list"), {"city": ["malmo", "stockholm"]})
    results = (
        Practice.objects.published()
        .of_browser_kinds()
        .filter(city__slug__in=["malmo", "stockholm"])
    )
    counts = published_counts(results)
    assert set(markers(response)) == expected_labels(City.objects.filter(pk__in=counts), counts)
    assert len(counts) == 2


def test_a_city_without_coordinates_is_listed_not_dropped(client):
    City.objects.filter(slug="vantaa").update(latitude=None, longitude=None)
    for url in (reverse("home"), reverse("practices:list") + "?country=FI"):
        text = client.get(url).content.decode()
        assert not any(t.startswith("Vantaa,") for t in markers(client.get(url)))
        assert re.search(r'<a href="[^"]*">Vantaa</a> \(no coordinates\)', text), url
        assert re.search(r"Vantaa</a>, Finland: \d+ practices? \(not on the map", text), url


def test_a_city_outside_the_frame_is_listed_as_such(client):
    factories.city(name="Reykjavik", slug="reykjavik", latitude=64.1, longitude=-21.9)
    factories.city(name="Nicosia", slug="nicosia", latitude=35.2, longitude=33.4)
    text = client.get(reverse("cities:list")).content.decode()
    assert "Reykjavik</a> (outside the map)" not in text  # Iceland is in the frame
    assert "Nicosia</a> (outside the map)" in text


def grow(n):
    """n more cities with coordinates, each with a published practice and a network."""
    network = Network.objects.get(slug="values-project")
    sweden = Country.objects.get(code="SE")
    for i in range(n):
        city = factories.city(country=sweden, latitude=56 + i * 0.3, longitude=13 + i * 0.4)
        network.memberships.create(city=city)
        factories.practice(city=city, themes=("volunteering",))


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/cities/",
        "/cities/?sort=practices",
        "/cities/vantaa/",
        "/networks/values-project/",
        "/practices/?theme=volunteering",
        "/practices/?theme=volunteering&country=SE",
    ],
)
def test_a_map_costs_the_same_queries_whatever_the_number_of_cities(client, url):
    """The map adds no query per city: twelve more cities on it, not one more query."""

    def measure():
        # Once to fill the caches kept per content version (the writes below empty
        # them), then counted: both counts are of a page served with warm caches.
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), len(markers(response))

    queries_before, markers_before = measure()
    grow(12)
    queries_after, markers_after = measure()
    assert markers_after == markers_before + 12
    assert queries_after == queries_before


def view_and_circles(response):
    text = response.content.decode()
    view = [
        float(v)
        for v in re.search(r'class="city-map-svg" viewBox="([^"]*)"', text).group(1).split()
    ]
    circles = [
        tuple(float(v) for v in match)
        for match in re.findall(r'<circle cx="([^"]*)" cy="([^"]*)" r="([^"]*)"/>', text)
    ]
    return view, circles


def test_the_browser_map_zooms_to_the_cities_of_the_results(client):
    whole, _circles = view_and_circles(client.get(reverse("cities:list")))
    assert whole == [0, 0, citymap.WIDTH, citymap.HEIGHT]
    view, circles = view_and_circles(client.get(reverse("practices:list"), {"country": "SE"}))
    left, top, width, height = view
    assert citymap.ZOOM_MIN <= width < citymap.WIDTH / 2 and height < citymap.HEIGHT / 2
    assert len(circles) >= 2
    for x, y, r in circles:
        assert left <= x - r and x + r <= left + width
        assert top <= y - r and y + r <= top + height


def test_the_browser_map_draws_the_cities_with_most_results_and_says_how_many_more(
    client, monkeypatch
):
    monkeypatch.setattr("practices.places.MAP_CITIES", 3)
    response = client.get(reverse("practices:list"))
    counts = published_counts(Practice.objects.published().of_browser_kinds())
    shown = markers(response)
    assert len(shown) == 3
    top = sorted(counts.values(), reverse=True)[:3]
    assert sorted((int(re.search(r": (\d+) practice", s)[1]) for s in shown), reverse=True) == top
    more = len(counts) - 3
    assert f"{more} more, with fewer, are in the City filter" in response.content.decode()
