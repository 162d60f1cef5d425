"""The curator's dashboard on the admin index: counts that match the lists they link to."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from practices.duplicates import likely_pairs
from practices.models import LinkCheck, Practice

from . import factories

pytestmark = pytest.mark.django_db


def dashboard(client):
    html = client.get(reverse("admin:index")).content.decode()
    block = html.split('id="curation-dashboard"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<a href="([^"]+)">([^<]+)</a></th><td>(\d+)</td>', block)
    return {label: (url.replace("&amp;", "&"), int(count)) for url, label, count in rows}


def listed(client, url):
    return client.get(url).context["cl"].result_count


def test_each_count_is_the_length_of_the_list_it_links_to(client, superuser):
    draft = factories.practice(slug="queued", is_published=False)
    draft.review_state = "in_review"
    draft.save()
    Practice.objects.filter(pk__in=Practice.objects.order_by("pk")[:3].values("pk")).update(
        last_verified_on=datetime.date(2001, 1, 1)
    )
    LinkCheck.objects.create(
        url="http://example.invalid/gone", status_code=404, checked_at=timezone.now()
    )
    LinkCheck.objects.create(
        url="http://example.invalid/fine", ok=True, status_code=200, checked_at=timezone.now()
    )
    original = Practice.objects.get(slug="utrecht-plan-einstein")
    factories.practice(slug="einstein-again", title=original.title + "!", city=original.city)
    client.force_login(superuser)
    rows = dashboard(client)
    assert rows["Drafts awaiting review"][1] == 1
    assert rows["Practices that may be out of date"][1] == 3
    assert rows["Broken links"][1] == 1
    assert rows["Likely duplicate practices (pairs)"][1] == len(likely_pairs()) >= 1
    for label, (url, count) in rows.items():
        if "duplicate" in label:
            assert listed(client, url) >= 2  # both sides of each pair
        else:
            assert listed(client, url) == count, label


def test_an_editor_sees_it_and_a_stranger_to_practices_does_not(client, editor, django_user_model):
    client.force_login(editor)
    assert "Drafts awaiting review" in dashboard(client)
    nobody = django_user_model.objects.create_user(
        "staff-only", "s@example.eu", "a-long-test-password"
    )
    nobody.is_staff = True
    nobody.save()
    client.force_login(nobody)
    assert 'id="curation-dashboard"' not in client.get(reverse("admin:index")).content.decode()


def test_the_dashboard_costs_a_few_queries(client, superuser, django_assert_max_num_queries):
    client.force_login(superuser)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("admin:index")).status_code == 200
