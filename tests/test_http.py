"""Every public URL answers HEAD as it answers GET: same status and headers, no body."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver, reverse

from benchmarks.assessments.models import Assessment
from benchmarks.models import Benchmark
from cities.models import City, Network, Organisation
from practices.models import Practice
from sources.models import SourceDocument

pytestmark = pytest.mark.django_db

# Views that only take POST: nothing to compare.
POST_ONLY = {"logout"}


def url_patterns(patterns=None, namespace=None):
    """(name, pattern) of every URL pattern outside the admin."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name != "admin":
                yield from url_patterns(pattern.url_patterns, pattern.namespace or namespace)
        elif pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


@pytest.fixture
def arguments():
    """Real values for every path parameter, by URL name."""
    call_command("seed_synthetic", assessments=1, verbosity=0)
    assessment = Assessment.objects.first()
    benchmark = Benchmark.objects.get(slug="values-theme-a")
    city = City.objects.first()
    return {
        "password_reset_confirm": {"uidb64": "MQ", "token": "not-a-token"},
        "switch_language": {"code": "fr"},
        "practices:source": {"key": SourceDocument.objects.first().key},
        "practices:detail": {"slug": Practice.objects.published().first().slug},
        "cities:detail": {"slug": city.slug},
        "cities:organisation": {"slug": Organisation.objects.first().slug},
        "cities:network": {"slug": Network.objects.first().slug},
        "benchmarks:assess": {"city_slug": city.slug, "benchmark_slug": benchmark.slug},
        "benchmarks:assessment": {"pk": assessment.pk},
        "benchmarks:assessment_edit": {"pk": assessment.pk},
        "benchmarks:detail": {"slug": benchmark.slug},
        "benchmarks:compare": {"slug": benchmark.slug},
        "benchmarks:compare_export": {"slug": benchmark.slug},
        "api:practice": {"slug": Practice.objects.published().first().slug},
        "api:city": {"slug": city.slug},
        "api:organisation": {"slug": Organisation.objects.first().slug},
        "api:network": {"slug": Network.objects.first().slug},
        "api:benchmark": {"slug": benchmark.slug},
        "api:assessment": {"pk": assessment.pk},
    }


def test_head_answers_like_get_on_every_url_pattern(client, arguments):
    checked = []
    for name, pattern in url_patterns():
        if name in POST_ONLY:
            continue
        needs = set(pattern.pattern.converters)
        kwargs = arguments.get(name, {})
        assert needs <= set(kwargs), f"tests/test_http.py: give {name} its {needs - set(kwargs)}"
        url = reverse(name, kwargs=kwargs or None)
        get, head = client.get(url), client.head(url)
        assert head.status_code == get.status_code, url
        assert head.get("Content-Type") == get.get("Content-Type"), url
        assert head.get("X-Row-Count") == get.get("X-Row-Count"), url
        assert head.content == b"", url
        checked.append(url)
    assert len(checked) > 25


def test_head_on_an_export_counts_the_rows_without_reading_them(client):
    url = reverse("practices:export")
    with CaptureQueriesContext(connection) as head_queries:
        head = client.head(url, {"theme": "volunteering"})
    # Read now: the next request starts the connection's query log afresh.
    head_sql = [q["sql"] for q in head_queries]
    get = client.get(url, {"theme": "volunteering"})
    with CaptureQueriesContext(connection) as get_queries:
        body = b"".join(get.streaming_content)
    assert head["X-Row-Count"] == get["X-Row-Count"] != "0"
    assert body.count(b"\r\n") == int(get["X-Row-Count"]) + 1
    assert not head.content
    # The rows themselves (with their lists: citations, tags...) are never read for HEAD.
    assert not any("practices_listcells" in sql for sql in head_sql)
    get_sql = [q["sql"] for q in get_queries]
    assert any("practices_listcells" in sql for sql in get_sql)
    # GET reads every row, citations and tags included, in one statement (on
    # PostgreSQL inside a savepoint of its own: see portal.export._copied).
    reads = [sql for sql in get_sql if not sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(reads) == 1
