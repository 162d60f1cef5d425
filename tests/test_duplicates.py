"""Duplicate warnings: saving a practice whose title is very similar to another's in
the same city or organisation warns, with a link to it (pg_trgm on PostgreSQL, difflib
on SQLite: this file runs on both)."""

from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from practices.duplicates import likely_pairs
from practices.models import Practice

from .admin_forms import form_data

pytestmark = pytest.mark.django_db
ORIGINAL = "utrecht-plan-einstein"  # "Plan Einstein (Utrecht Refugee Launchpad)"


def save_with_title(client, practice, title):
    url = reverse("admin:practices_practice_change", args=[practice.pk])
    data = form_data(client.get(url))
    data["title_en"] = title
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]


@pytest.fixture
def neighbour():
    """Another practice of the same city as the original."""
    original = Practice.objects.get(slug=ORIGINAL)
    return Practice.objects.filter(city=original.city).exclude(pk=original.pk).first()


def test_a_near_copy_warns_with_a_link_to_the_other(client, superuser, neighbour):
    original = Practice.objects.get(slug=ORIGINAL)
    client.force_login(superuser)
    warnings = save_with_title(client, neighbour, "Plan Einstein (Utrecht Refugee Launch Pad)")
    assert len(warnings) == 1
    link = reverse("admin:practices_practice_change", args=[original.pk])
    assert f'<a href="{link}">{original.title}</a>' in warnings[0]


def test_a_distinct_practice_does_not_warn(client, superuser, neighbour):
    client.force_login(superuser)
    assert save_with_title(client, neighbour, "Night football for young people") == []


def test_a_near_copy_elsewhere_does_not_warn(client, superuser):
    original = Practice.objects.get(slug=ORIGINAL)
    elsewhere = (
        Practice.objects.exclude(city=original.city)
        .exclude(lead_organisation=original.lead_organisation)
        .filter(city__isnull=False, lead_organisation__isnull=True)
        .first()
    )
    client.force_login(superuser)
    assert save_with_title(client, elsewhere, original.title + " ") == []


def test_find_duplicates_lists_the_pair(neighbour):
    original = Practice.objects.get(slug=ORIGINAL)
    before = {(a, b) for a, b, _s in likely_pairs()}
    neighbour.title = "Plan Einstein: Utrecht Refugee Launchpad"
    neighbour.save()
    pair = tuple(sorted((original.pk, neighbour.pk)))
    assert pair not in before
    assert pair in {(a, b) for a, b, _s in likely_pairs()}
    out = StringIO()
    call_command("find_duplicates", stdout=out)
    assert f"{original.slug}" in out.getvalue() and f"{neighbour.slug}" in out.getvalue()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index is PostgreSQL's")
def test_the_trigram_index_exists_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'practice_title_trgm'")
        assert "gin_trgm_ops" in cursor.fetchone()[0]
