"""Last verified and stale flags: set by an admin action, shown on public pages, and
appearing and disappearing as the (frozen) clock moves."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cities.models import Contact, Organisation
from portal.verification import months_before
from practices.models import Practice

pytestmark = pytest.mark.django_db
FLAG = "May be out of date"


def page_text(client, record):
    response = client.get(record.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_months_before_keeps_the_day_or_the_month_s_last():
    assert months_before(datetime.date(2026, 12, 6), 24) == datetime.date(2024, 12, 6)
    assert months_before(datetime.date(2026, 3, 31), 1) == datetime.date(2026, 2, 28)
    assert months_before(datetime.date(2026, 1, 15), 13) == datetime.date(2024, 12, 15)


def test_the_flag_appears_and_disappears_as_dates_change(client):
    practice = Practice.objects.published().get(slug="luxembourg-gemengepakt")
    practice.last_verified_on = datetime.date(2024, 1, 10)
    practice.save()
    with time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC)):
        text = page_text(client, practice)
        assert 'Last verified: <time datetime="2024-01-10">10 January 2024</time>' in text
        assert FLAG not in text
    with time_machine.travel(datetime.datetime(2026, 1, 9, 12, tzinfo=datetime.UTC)):
        assert FLAG not in page_text(client, practice)  # a day short of 24 months
    with time_machine.travel(datetime.datetime(2026, 1, 11, 12, tzinfo=datetime.UTC)):
        assert FLAG in page_text(client, practice)
        practice.last_verified_on = timezone.localdate()
        practice.save()
        assert FLAG not in page_text(client, practice)


def test_a_never_verified_record_counts_from_its_import(client):
    practice = Practice.objects.published().first()
    imported = timezone.localdate(practice.created)
    assert practice.last_verified_on is None
    text = page_text(client, practice)
    assert f'Not verified since import on <time datetime="{imported.isoformat()}">' in text
    assert FLAG not in text
    later = datetime.datetime.combine(imported, datetime.time(12), datetime.UTC)
    with time_machine.travel(later + datetime.timedelta(days=2 * 366)):
        assert FLAG in page_text(client, practice)


def test_the_age_is_a_setting(client, settings):
    practice = Practice.objects.published().first()
    practice.last_verified_on = timezone.localdate() - datetime.timedelta(days=100)
    practice.save()
    assert FLAG not in page_text(client, practice)
    settings.PORTAL_STALE_MONTHS = 3
    assert FLAG in page_text(client, practice)
    assert "more than 3 months" in page_text(client, practice)


def test_organisation_pages_show_it_too(client):
    organisation = Organisation.objects.get(slug="council-of-europe")
    organisation.last_verified_on = datetime.date(2020, 5, 4)
    organisation.save()
    text = page_text(client, organisation)
    assert 'Last verified: <time datetime="2020-05-04">4 May 2020</time>' in text
    assert FLAG in text


@pytest.mark.parametrize(
    ("model", "url_name"),
    [
        (Practice, "admin:practices_practice_changelist"),
        (Organisation, "admin:cities_organisation_changelist"),
        (Contact, "admin:cities_contact_changelist"),
    ],
)
def test_mark_verified_and_the_stale_filter_in_the_admin(client, superuser, model, url_name):
    url = reverse(url_name)
    records = list(model.objects.order_by("pk")[:2])
    with time_machine.travel(datetime.datetime(2031, 3, 1, 12, tzinfo=datetime.UTC)):
        client.force_login(superuser)  # a session from today would have expired by then
        stale = client.get(url, {"stale": "yes"}).context["cl"].queryset
        assert {r.pk for r in records} <= set(stale.values_list("pk", flat=True))
        response = client.post(
            url, {"action": "mark_verified", "_selected_action": [r.pk for r in records]}
        )
        assert response.status_code == 302
        for record in records:
            record.refresh_from_db()
            assert (record.last_verified_on, record.verified_by) == (
                datetime.date(2031, 3, 1),
                superuser,
            )
        stale = client.get(url, {"stale": "yes"}).context["cl"].queryset
        fresh = client.get(url, {"stale": "no"}).context["cl"].queryset
        assert not {r.pk for r in records} & set(stale.values_list("pk", flat=True))
        assert {r.pk for r in records} <= set(fresh.values_list("pk", flat=True))
