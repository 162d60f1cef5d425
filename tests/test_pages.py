"""Every public page: renders, 404s in the portal's style, and has a bounded query count."""

import pytest
from django.urls import reverse

from cities.models import City, Network, Organisation
from practices.models import Practice

from . import factories

pytestmark = pytest.mark.django_db


def pages():
    practice = Practice.objects.get(slug="stockholm-crossroads")
    return {
        "home": "/",
        "practices": reverse("practices:list"),
        "practice": practice.get_absolute_url(),
        "source": reverse("practices:source", args=["mechelen-2024"]),
        "themes": reverse("themes"),
        "cities": reverse("cities:list"),
        "city": reverse("cities:detail", args=["vantaa"]),
        "organisations": reverse("cities:organisations"),
        "organisation": reverse("cities:organisation", args=["eurocities"]),
        "networks": reverse("cities:networks"),
        "network": reverse("cities:network", args=["values-project"]),
        "benchmarks": reverse("benchmarks:list"),
        "benchmark": reverse("benchmarks:detail", args=["values-theme-a"]),
        "contextual": reverse("benchmarks:contextual"),
    }


# Upper bounds per page. They must hold however much content there is (see below).
BOUNDS = {
    "home": 8,
    "practices": 22,
    "practice": 14,
    "source": 2,
    "themes": 2,
    "cities": 4,
    "city": 25,
    "organisations": 2,
    "organisation": 10,
    "networks": 2,
    "network": 8,
    "benchmarks": 2,
    "benchmark": 8,
    "contextual": 3,
}


def grow_content():
    """More of everything the pages list, to show the query counts do not follow."""
    vantaa = City.objects.get(slug="vantaa")
    eurocities = Organisation.objects.get(slug="eurocities")
    network = Network.objects.get(slug="values-project")
    crossroads = Practice.objects.get(slug="stockholm-crossroads")
    for _ in range(15):
        city = factories.city()
        network.memberships.create(city=city)
        organisation = factories.organisation(city=city)
        practice = factories.practice(
            city=vantaa,
            lead_organisation=eurocities,
            tags=("extra", "more"),
            themes=[t.slug for t in crossroads.themes.all()],
        )
        practice.partners.add(organisation)
        practice.contacts.add(factories.contact(city=vantaa))


@pytest.mark.parametrize("name", list(BOUNDS))
def test_each_page_renders_within_its_query_bound(client, name, django_assert_max_num_queries):
    url = pages()[name]
    with django_assert_max_num_queries(BOUNDS[name]):
        assert client.get(url).status_code == 200
    grow_content()
    with django_assert_max_num_queries(BOUNDS[name]):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("language", ["fr", "de"])
@pytest.mark.parametrize("name", ["home", "practices", "practice", "city", "themes", "benchmark"])
def test_pages_keep_their_query_bound_in_other_languages(
    client, name, language, django_assert_max_num_queries
):
    # Translation is string work: the same queries as in English, whatever the content.
    url = f"/{language}{pages()[name]}"
    with django_assert_max_num_queries(BOUNDS[name]):
        response = client.get(url)
    assert response.status_code == 200 and response["Content-Language"] == language
    grow_content()
    with django_assert_max_num_queries(BOUNDS[name]):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/practices/no-such-practice/",
        "/cities/atlantis/",
        "/organisations/nobody/",
        "/networks/none/",
        "/benchmarks/values-theme-z/",
        "/practices/sources/nothing/",
        "/benchmarks/assessments/424242/",
        "/no/such/page/",
    ],
)
def test_unknown_addresses_get_the_portals_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    text = response.content.decode()
    assert "Page not found" in text
    assert "City Practice Portal" in text
    assert "Traceback" not in text


def test_the_404_says_what_was_not_found(client):
    text = client.get("/cities/atlantis/").content.decode()
    assert "No city has the address &#x27;atlantis&#x27;." in text


def test_only_get_is_allowed_on_read_pages(client):
    assert client.post(reverse("practices:list")).status_code == 405
    assert client.post(reverse("cities:export")).status_code == 405


def test_the_practice_page_shows_the_whole_record(client):
    practice = Practice.objects.get(slug="stockholm-crossroads")
    text = client.get(practice.get_absolute_url()).content.decode()
    for fragment in [
        "Context and goals",
        "How it works",
        "Results",
        "Funding and resources",
        "arto.moksunen@stadsmissionen.se",
        "Collection of innovative city practices",
        "Related practices",
        'href="/practices/?theme=',
    ]:
        assert fragment in text, fragment
    related = client.get(practice.get_absolute_url()).context["related"]
    assert 3 <= len(related) <= 6
    assert (
        related[0].city.country_id == "SE"
        or not Practice.objects.filter(city__country_id="SE").exclude(pk=practice.pk).exists()
    )


def test_non_public_contacts_stay_off_public_pages(client):
    hidden = factories.contact(
        name="Hidden Person",
        email="hidden@example.eu",
        is_public=False,
        city=City.objects.get(slug="vantaa"),
    )
    Practice.objects.get(slug="stockholm-crossroads").contacts.add(hidden)
    for url in ("/cities/vantaa/", "/practices/stockholm-crossroads/"):
        assert "hidden@example.eu" not in client.get(url).content.decode()
