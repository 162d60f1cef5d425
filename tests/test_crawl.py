"""Every internal link answers without a server error, synthetic assessments included."""

import re
from collections import deque
from html import unescape

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db
LINK = re.compile(r'href="(/[^"#]*)')
MAX_PAGES = 800


def test_a_crawl_of_every_internal_link_finds_no_server_error(client):
    # Assessments without an author (seed_synthetic makes them so) once answered 500.
    call_command("seed_synthetic", assessments=5, verbosity=0)
    # Pages first, then query-string variants (facet links multiply fast): the cap
    # must not be spent on filter combinations before every page was reached.
    seen, pages, variants, errors = {"/"}, deque(["/"]), deque(), []
    while (pages or variants) and len(seen) <= MAX_PAGES:
        url = (pages or variants).popleft()
        export = ".csv" in url or "format=json" in url
        response = client.head(url) if export else client.get(url)
        if response.status_code >= 500:
            errors.append((url, response.status_code))
        if export or not response.get("Content-Type", "").startswith("text/html"):
            continue
        for link in LINK.findall(response.content.decode()):
            link = unescape(link)
            if link.startswith(("/admin/", "/static/")) or link in seen:
                continue
            seen.add(link)
            (variants if "?" in link else pages).append(link)
    assert errors == []
    assert len(seen) > 300  # it did reach the practices, cities, organisations...
    assert any(url.startswith("/benchmarks/assessments/") for url in seen)
