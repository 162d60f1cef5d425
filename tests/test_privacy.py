"""Drafts never leak, and no stored link can run a script (the hostile test's findings)."""

import pytest
from django.urls import reverse

from benchmarks.assessments.models import Assessment
from benchmarks.models import Benchmark
from cities.models import City
from practices.models import Practice

from . import factories
from .admin_forms import form_data as admin_form_data
from .test_assessments import assess_url, make_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    city = City.objects.get(slug="vantaa")
    return factories.practice(
        slug="a-secret-draft", title="A secret draft", city=city, is_published=False
    )


def test_a_draft_linked_to_a_rating_stays_off_the_public_assessment_page(client, draft, superuser):
    assessment = Assessment.objects.create(
        city=draft.city, benchmark=Benchmark.objects.get(slug="values-theme-a"), date="2026-01-01"
    )
    factor = assessment.benchmark.factors.first()
    rating = assessment.ratings.create(factor=factor, rating=1)
    rating.practices.add(draft, Practice.objects.published().filter(city=draft.city).first())
    page = client.get(assessment.get_absolute_url()).content.decode()
    assert "A secret draft" not in page
    assert draft.get_absolute_url() not in page
    client.force_login(superuser)
    assert "A secret draft" in client.get(assessment.get_absolute_url()).content.decode()


def test_a_city_editor_is_not_offered_the_citys_drafts(client, draft):
    client.force_login(make_editor("vantaa"))
    page = client.get(assess_url("vantaa")).content.decode()
    assert "A secret draft" not in page
    published = Practice.objects.published().filter(city__slug="vantaa").first()
    assert published.title in page


def test_the_admin_refuses_a_javascript_link(client, editor):
    practice = Practice.objects.get(slug="stockholm-crossroads")
    url = reverse("admin:practices_practice_change", args=[practice.pk])
    client.force_login(editor)
    data = admin_form_data(client.get(url))
    data["links"] = "https://example.eu/ok\njavascript:alert(document.cookie)"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Only http(s) and mailto links may be stored" in response.content.decode()
    practice.refresh_from_db()
    assert "javascript:" not in practice.links


def test_a_stored_javascript_link_is_never_rendered(client):
    practice = Practice.objects.get(slug="stockholm-crossroads")
    links = "javascript:alert(1)\nJAVASCRIPT:alert(2)\nmailto:desk@example.eu\nhttps://example.eu/"
    Practice.objects.filter(pk=practice.pk).update(links=links)  # past every form
    page = client.get(practice.get_absolute_url()).content.decode().lower()
    assert "javascript:" not in page
    assert 'href="mailto:desk@example.eu"' in page
    assert 'href="https://example.eu/"' in page


def test_a_tag_only_drafts_carry_is_unknown_to_visitors(client, draft, superuser):
    draft.tags.add("secret-tag")
    url = reverse("practices:list")
    response = client.get(url, {"tag": "secret-tag"})
    text = response.content.decode()
    assert "Ignored tag &#x27;secret-tag&#x27;: not in the knowledge base." in text
    shown = Practice.objects.published().filter(kind__in=Practice.Kind.browser_default())
    assert response.context["page"].paginator.count == shown.count()
    tags = {v.value for f in client.get(url).context["facets"] if f.name == "tag" for v in f.values}
    assert "secret-tag" not in tags
    client.force_login(superuser)
    staff = client.get(url, {"tag": "secret-tag"})
    assert [p.slug for p in staff.context["practices"]] == [draft.slug]
