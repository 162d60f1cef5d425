"""Every list and export has a stated, total order (README "Orders"), the same on
SQLite and PostgreSQL: the page and its CSV agree, and ties fall back to the id."""

import csv
import io
from collections import Counter

import pytest
from django.urls import reverse

from cities.models import City, Contact, Network, Organisation
from portal.text import fold
from practices.models import Practice, Theme

from . import factories
from .test_browse import all_result_slugs

pytestmark = pytest.mark.django_db


def csv_column(response, column):
    body = b"".join(response.streaming_content).decode()
    return [row[column] for row in csv.DictReader(io.StringIO(body))]


def test_title_order_ignores_quotes_punctuation_and_case(client):
    slugs = all_result_slugs(client, {"sort": "title"})
    titles = dict(Practice.objects.values_list("slug", "title"))
    expected = sorted(
        Practice.objects.published()
        .filter(kind__in=Practice.Kind.browser_default())
        .values_list("title", "pk", "slug"),
        key=lambda row: (fold(row[0]), row[1]),
    )
    assert slugs == [slug for _title, _pk, slug in expected]
    shown = [titles[slug] for slug in slugs]
    assert not shown[0].startswith("'")
    brivpratigie = shown.index("'Brivpratigie.lv'")
    assert fold(shown[brivpratigie - 1]) <= "brivpratigie lv" <= fold(shown[brivpratigie + 1])
    assert Practice.objects.get(title="'Brivpratigie.lv'").sort_title == "brivpratigie lv"


def test_equal_titles_fall_back_to_the_id_in_every_sort(client):
    first = factories.practice(slug="twin-a", title="Twin title", start_year=2020)
    second = factories.practice(slug="twin-b", title="Twin title", start_year=2020)
    for sort in ("title", "newest", "city"):
        slugs = all_result_slugs(client, {"q": "twin title", "sort": sort})
        assert slugs.index(first.slug) < slugs.index(second.slug), sort
    exported = csv_column(
        client.get(reverse("practices:export"), {"q": "twin title", "sort": "title"}), "slug"
    )
    assert exported == ["twin-a", "twin-b"]


def test_a_renamed_title_gets_its_sort_key_on_save():
    practice = Practice.objects.get(slug="stockholm-crossroads")
    practice.title = "« Zürich-style » crossroads"
    practice.save(update_fields=["title"])
    practice.refresh_from_db()
    assert practice.sort_title == "zurich style crossroads"


def test_organisations_page_and_csv_agree_and_break_ties_by_id(client):
    twin = Organisation.objects.create(slug="zz-twin", name=Organisation.objects.first().name)
    page = client.get(reverse("cities:organisations"))
    on_page = [o.slug for o in page.context["organisations"]]
    in_csv = csv_column(client.get(reverse("cities:organisations_export")), "slug")
    expected = [s for _n, _pk, s in sorted(Organisation.objects.values_list("name", "pk", "slug"))]
    assert on_page == in_csv == expected
    assert on_page.index(twin.slug) == on_page.index(Organisation.objects.first().slug) + 1
    assert [
        o.slug for o in client.get(reverse("cities:organisations")).context["organisations"]
    ] == on_page


def _by_country(city):
    return (city["country__name"], city["name"], city["pk"])


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("", _by_country),
        ("country", _by_country),
        ("name", lambda c: (c["name"], c["pk"])),
        # Largest first; cities whose population no source states come last.
        (
            "population",
            lambda c: (c["population"] is None, -(c["population"] or 0), c["name"], c["pk"]),
        ),
        ("practices", lambda c: (-c["practices"], c["name"], c["pk"])),
        ("no-such-order", _by_country),
    ],
)
def test_cities_page_and_csv_agree_in_every_order(client, sort, key):
    params = {"sort": sort} if sort else {}
    page = client.get(reverse("cities:list"), params)
    on_page = [city.slug for city in page.context["cities"]]
    in_csv = csv_column(client.get(reverse("cities:export"), params), "slug")
    published = Counter(Practice.objects.published().values_list("city_id", flat=True))
    cities = City.objects.values("slug", "country__name", "name", "pk", "population")
    for city in cities:
        city["practices"] = published[city["pk"]]
    assert on_page == in_csv == [city["slug"] for city in sorted(cities, key=key)]
    assert len(set(on_page)) == City.objects.count()


@pytest.mark.parametrize(
    ("url", "context", "model", "key"),
    [
        ("cities:networks", "networks", Network, ("name", "pk")),
        ("themes", "themes", Theme, ("name", "pk")),
    ],
)
def test_list_pages_follow_their_stated_order(client, url, context, model, key):
    shown = [obj.pk for obj in client.get(reverse(url)).context[context]]
    assert shown == [row[-1] for row in sorted(model.objects.values_list(*key, "pk"))]


def test_the_contacts_csv_lists_by_name_then_key(client):
    keys = csv_column(client.get(reverse("cities:contacts_export")), "key")
    expected = sorted(Contact.objects.public().values_list("name", "pk", "key"))
    assert keys == [k for _n, _pk, k in expected]
