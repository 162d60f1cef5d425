"""Small builders for test records, with slugs that cannot clash with the seed content."""

from itertools import count

from django.core.cache import cache

from cities.models import City, Contact, Country, Organisation
from practices import facet_bitmaps
from practices.models import Practice, Theme
from practices.search_documents import refresh_search_documents

_n = count(1)


def city(**kw):
    n = next(_n)
    defaults = {"name": f"Testville {n}", "slug": f"testville-{n}", "latitude": 50, "longitude": 4}
    defaults.update(kw)
    defaults.setdefault("country", Country.objects.get(code="BE"))
    return City.objects.create(**defaults)


def organisation(**kw):
    n = next(_n)
    defaults = {"name": f"Test Organisation {n}", "slug": f"test-organisation-{n}", "kind": "ngo"}
    defaults.update(kw)
    return Organisation.objects.create(**defaults)


def contact(**kw):
    n = next(_n)
    defaults = {"key": f"test-contact-{n}", "name": f"Test Contact {n}"}
    defaults.update(kw)
    return Contact.objects.create(**defaults)


def practice(themes=("social-cohesion",), tags=(), **kw):
    n = next(_n)
    defaults = {
        "title": f"Test practice {n}",
        "slug": f"test-practice-{n}",
        "summary": "A practice made up for a test.",
        "is_published": True,
    }
    defaults.update(kw)
    if "city" not in defaults and "lead_organisation" not in defaults:
        defaults["city"] = city()
    obj = Practice.objects.create(**defaults)
    obj.themes.set(Theme.objects.filter(slug__in=themes))
    if tags:
        obj.tags.set(list(tags))
    # Signals refresh the search document on commit, which never comes inside a test's
    # transaction; do what the commit would do.
    refresh_search_documents([obj.pk])
    obj.refresh_from_db()
    return obj


def nothing_counted():
    """As a worker that has counted nothing yet: no cached counts, no bitmaps held."""
    cache.clear()
    facet_bitmaps.forget()
