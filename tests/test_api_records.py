"""The read API beyond the practice list: places, vocabularies, the VALUES content, the
schema and its documentation, errors and CORS."""

import json
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import URLResolver, get_resolver, reverse
from openapi_spec_validator import validate

from benchmarks.assessments.models import Assessment
from benchmarks.models import Benchmark, Factor
from cities.models import City, Network, Organisation
from practices.models import Theme

from . import factories

pytestmark = pytest.mark.django_db

LISTS = [
    "api:practices",
    "api:cities",
    "api:organisations",
    "api:networks",
    "api:countries",
    "api:themes",
    "api:target_groups",
    "api:funding_sources",
    "api:sources",
    "api:benchmarks",
    "api:contextual_factors",
    "api:assessments",
]


def all_rows(client, url, **params):
    rows, response = [], client.get(url, {**params, "page_size": 3})
    while True:
        assert response.status_code == 200, response.content
        rows += response.json()["results"]
        if response.json()["next"] is None:
            return rows
        response = client.get(response.json()["next"])


@pytest.fixture
def assessments():
    call_command("seed_synthetic", assessments=3, verbosity=0)
    return Assessment.objects.all()


@pytest.mark.parametrize("name", LISTS)
def test_list_query_counts_are_bounded_and_do_not_grow_with_page_size(
    client, name, assessments, django_assert_max_num_queries
):
    counts = []
    for size in (2, 40):
        factories.nothing_counted()  # the facets afresh each time
        with django_assert_max_num_queries(24 if name == "api:practices" else 8) as captured:
            response = client.get(reverse(name), {"page_size": size})
        assert len(response.json()["results"]) == min(size, response.json()["total"])
        counts.append(len(captured))
    assert response.json()["total"] > 2
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    "name, model, order",
    [
        ("api:cities", City, ("country__name", "name", "pk")),
        ("api:organisations", Organisation, ("name", "pk")),
        ("api:networks", Network, ("name", "pk")),
        ("api:themes", Theme, ("name", "pk")),
        ("api:benchmarks", Benchmark, ("order", "title", "pk")),
    ],
)
def test_lists_hold_every_record_once_in_their_stated_order(client, name, model, order):
    rows = all_rows(client, reverse(name))
    expected = list(model.objects.order_by(*order).values_list("slug", flat=True))
    assert [row["slug"] for row in rows] == expected


@pytest.mark.parametrize("name", LISTS)
def test_following_next_reads_every_row_once(client, name, assessments):
    first = client.get(reverse(name), {"page_size": 3, "facets": "0"}).json()
    rows = all_rows(client, reverse(name), facets="0")
    keys = [row.get("id") or row.get("slug") or row.get("code") or row.get("key") for row in rows]
    assert len(keys) == len(set(keys)) == first["total"] > 3


def test_cities_and_organisations_take_their_pages_filters(client):
    assert [c["slug"] for c in all_rows(client, reverse("api:cities"), name="VANT")] == ["vantaa"]
    ngos = all_rows(client, reverse("api:organisations"), kind="ngo")
    assert {o["kind"] for o in ngos} == {"ngo"}
    assert len(ngos) == Organisation.objects.filter(kind="ngo").count()
    response = client.get(reverse("api:organisations"), {"kind": "pirates"})
    assert response.status_code == 400
    assert "Unknown kind 'pirates'" in response.json()["detail"]


def test_a_city_reads_with_its_counts_networks_and_practices_link(client):
    city = City.objects.get(slug="vantaa")
    data = client.get(reverse("api:city", args=["vantaa"])).json()
    assert data["practice_count"] == city.practices.filter(is_published=True).count()
    assert {n["slug"] for n in data["networks"]} == set(
        city.memberships.values_list("network__slug", flat=True)
    )
    linked = client.get(data["practices"]).json()
    assert linked["filters"]["city"] == ["vantaa"]
    assert linked["total"] > 0


def test_a_network_lists_its_members(client):
    network = Network.objects.get(slug="integrating-cities-charter")
    data = client.get(reverse("api:network", args=[network.slug])).json()
    assert len(data["members"]) == network.memberships.count()
    assert data["coverage"] == network.coverage_text


def test_a_benchmark_has_its_factors_and_only_published_illustrations(client):
    factor = Factor.objects.filter(benchmark__slug="values-theme-a").first()
    draft = factories.practice(title="Zz draft illustration", is_published=False)
    factor.illustrations.create(practice=draft, note="should not show")
    data = client.get(reverse("api:benchmark", args=["values-theme-a"])).json()
    codes = [f["code"] for f in data["factors"]]
    assert codes == list(
        Benchmark.objects.get(slug="values-theme-a").factors.values_list("code", flat=True)
    )
    shown = next(f for f in data["factors"] if f["code"] == factor.code)
    assert draft.slug not in {p["slug"] for p in shown["practices"]}
    assert shown["questions"] == list(factor.questions.values_list("text", flat=True))


def test_assessments_show_published_supporting_practices_only(client, assessments, superuser):
    assessment = assessments.first()
    rating = assessment.ratings.first()
    draft = factories.practice(title="Zz draft support", is_published=False, city=assessment.city)
    rating.practices.add(draft)
    url = reverse("api:assessment", args=[assessment.pk])

    def supporting(data):
        return {p["slug"] for r in data["ratings"] for p in r["practices"]}

    data = client.get(url).json()
    assert data["synthetic"] is True
    assert data["city"]["slug"] == assessment.city.slug
    assert draft.slug not in supporting(data)
    client.force_login(superuser)
    assert draft.slug in supporting(client.get(url).json())
    listed = all_rows(client, reverse("api:assessments"), city=assessment.city.slug)
    assert {a["id"] for a in listed} == set(
        Assessment.objects.filter(city=assessment.city).values_list("pk", flat=True)
    )


@pytest.mark.parametrize(
    "url, detail",
    [
        ("/api/v1/practices/no-such-practice/", "No practice has the address 'no-such-practice'."),
        ("/api/v1/cities/atlantis/", "No city has the address 'atlantis'."),
        ("/api/v1/benchmarks/nope/", "No benchmark has the address 'nope'."),
        ("/api/v1/assessments/999999/", "No assessment has the address 999999."),
        ("/api/v1/no-such-list/", "Nothing here: see /api/v1/ for the API's lists."),
    ],
)
def test_unknown_addresses_get_a_json_404_that_names_them(client, url, detail):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"status": 404, "detail": detail}


def test_the_api_only_reads(client):
    response = client.post(reverse("api:practices"), {"title": "x"})
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")


def test_the_index_links_every_list(client):
    links = client.get(reverse("api:index")).json()
    for name in LISTS:
        assert f"http://testserver{reverse(name)}" in links.values()


# ----- schema and documentation ----------------------------------------------------


def api_paths(patterns=None, prefix="/"):
    """The OpenAPI form of every path the API routes ({slug}, {pk})."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith("/api/") or "/api/".startswith(route):
                yield from api_paths(pattern.url_patterns, route)
        elif route.startswith("/api/"):
            yield re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def test_the_openapi_schema_validates_and_lists_every_endpoint(client, tmp_path):
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    routed = set(api_paths()) - {reverse("api:schema"), reverse("api:docs")}
    assert len(routed) >= 19
    # Parameter names aside: the schema calls a pk "id".
    shape = lambda paths: {re.sub(r"\{\w+\}", "{}", p) for p in paths}  # noqa: E731
    assert shape(routed) == shape(schema["paths"])
    # Every field resolves to a type: drf-spectacular fails on any warning.
    call_command(
        "spectacular", "--fail-on-warn", "--format", "openapi-json", "--file", tmp_path / "s"
    )
    assert json.loads((tmp_path / "s").read_text())["paths"] == schema["paths"]


def test_the_schema_documents_every_browser_parameter(client):
    from practices.filters import PARAMS

    schema = client.get(reverse("api:schema")).json()
    parameters = {p["name"] for p in schema["paths"]["/api/v1/practices/"]["get"]["parameters"]}
    assert set(PARAMS) | {"sort", "cursor", "page_size", "facets", "facet_sort"} == parameters


def test_the_docs_page_loads_everything_from_static(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in s for s in sources)
    # Nothing from another host (the hreflang alternates are this host's absolute URLs).
    assert all(s.startswith(("/", "http://testserver/")) for s in sources), sources
    assert "<script>" not in html  # nothing inline: the CSP would block it


# ----- CORS --------------------------------------------------------------------------


def test_other_sites_may_read_the_api_without_credentials(client):
    response = client.get(reverse("api:practices"), HTTP_ORIGIN="https://dashboard.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    preflight = client.options(
        reverse("api:cities"),
        HTTP_ORIGIN="https://dashboard.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    missing = client.get("/api/v1/nowhere/", HTTP_ORIGIN="https://dashboard.example")
    assert missing["Access-Control-Allow-Origin"] == "*"


def test_cors_is_for_the_api_alone(client):
    for url in ("/practices/", "/practices/export.csv", "/"):
        assert "Access-Control-Allow-Origin" not in client.get(url, HTTP_ORIGIN="https://x.example")


def test_the_readme_lists_every_endpoint():
    readme = (settings.BASE_DIR / "README.md").read_text()
    section = readme.split("\n## API\n", 1)[1].split("\n## ", 1)[0]
    for path in api_paths():
        if path in (reverse("api:index"), reverse("api:schema"), reverse("api:docs")):
            assert path in section
            continue
        written = path.replace("{slug}", "<slug>").replace("{pk}", "<id>")
        assert f"`{written}`" in section, written
