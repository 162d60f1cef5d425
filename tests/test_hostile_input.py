"""Garbage anywhere a visitor can type it gets a clear answer, never a server error."""

import logging
import re
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from practices.filters import PARAMS

from .test_http import url_patterns

pytestmark = pytest.mark.django_db
CONVERTER = re.compile(r"<(?:[^>:]+:)?[^>]+>")
PATTERNS = [str(pattern.pattern) for name, pattern in url_patterns() if name != "logout"]
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
