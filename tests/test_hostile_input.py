"""Garbage anywhere a visitor can type it gets a clear answer, never a server error."""

import logging
import re
from urllib.parse import quote, unquote, urlencode

import pytest
from django.urls import URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from practices.filters import PARAMS

pytestmark = pytest.mark.django_db
CONVERTER = re.compile(r"<(?:[^>:]+:)?[^>]+>")


def routes(patterns=None, prefix=""):
    """Every routed path pattern in full, its includes' prefixes joined (the admin and
    logout aside): `practices/<slug:slug>/`, `api/v1/cities/<slug:slug>/`..."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if pattern.app_name != "admin":
                yield from routes(pattern.url_patterns, route)
        elif pattern.name and pattern.name != "logout":
            yield route


PATTERNS = list(routes())
KEYS = [
    *PARAMS,
    "sort",
    "page",
    "format",
    "bom",
    "expand",
    "facet_sort",
    "partial",
    "name",
    "kind",
    "city",
    "organisation",
    # The read API's own parameters, beside the browser's.
    "cursor",
    "page_size",
    "facets",
    "benchmark",
]
garbage = st.text(
    st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=60
) | st.sampled_from(
    [
        "0",
        "-1",
        "99999999999999999999",
        "%00",
        "\x00",
        "' OR 1=1 --",
        "<script>",
        "../../etc/passwd",
        "1e309",
        "NaN",
        "é" * 200,
    ]
)


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    pattern=st.sampled_from(PATTERNS),
    parts=st.lists(garbage, min_size=3, max_size=3),
    query=st.lists(st.tuples(st.sampled_from(KEYS) | garbage, garbage), max_size=6),
)
def test_garbage_in_paths_and_query_strings_never_gets_a_server_error(
    client, caplog, pattern, parts, query
):
    fill = iter(parts)
    path = "/" + CONVERTER.sub(lambda _m: quote(next(fill), safe="") or "x", pattern)
    url = f"{path}?{urlencode(query)}"
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get(url)
    assert response.status_code < 500, url
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], url


# The API's endpoints that take parameters (its docs page is HTML for people; its schema
# takes none and is slow to build, and the test above sends it garbage too).
API_PATTERNS = [p for p in PATTERNS if p.startswith("api/") and p.rsplit("/", 1)[-1] == ""]


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    pattern=st.sampled_from(API_PATTERNS),
    parts=st.lists(garbage, min_size=3, max_size=3),
    query=st.lists(st.tuples(st.sampled_from(KEYS) | garbage, garbage), max_size=6),
    cursor=st.none() | st.tuples(st.integers(0, 200), st.characters(blacklist_categories=("Cs",))),
)
def test_garbage_sent_to_the_api_gets_a_json_answer_never_a_server_error(
    client, caplog, pattern, parts, query, cursor
):
    fill = iter(parts)
    path = "/" + CONVERTER.sub(lambda _m: quote(next(fill), safe="") or "x", pattern)
    if cursor is not None:
        # A real cursor with one character changed: the signature no longer matches.
        real = client.get("/api/v1/practices/", {"page_size": 1, "facets": 0}).json()["next"]
        token = unquote(real.split("cursor=")[1])
        at, char = cursor[0] % len(token), cursor[1]
        query.append(("cursor", token[:at] + char + token[at + 1 :]))
    url = f"{path}?{urlencode(query)}"
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get(url)
    assert response.status_code < 500, url
    assert response["Content-Type"].startswith("application/json"), url
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], url
