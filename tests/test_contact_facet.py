"""Researchers find practices with a contact, and the contacts in the CSV: public only."""

import csv
import io

import pytest
from django.urls import reverse

from cities.models import Contact
from practices.models import Practice

from .test_browse import all_result_slugs, facet

pytestmark = pytest.mark.django_db
URL = reverse("practices:list")


def shown():
    """What the browser lists with no kind asked for: published initiatives and strategies."""
    return Practice.objects.published().filter(kind__in=Practice.Kind.browser_default())


def with_public_contact():
    return set(shown().filter(contacts__is_public=True).values_list("slug", flat=True).distinct())


@pytest.fixture
def secret():
    """A private contact on a practice that has no public one."""
    practice = shown().exclude(slug__in=with_public_contact()).first()
    contact = Contact.objects.create(
        key="private-desk", name="Private Desk", email="private@example.eu", is_public=False
    )
    practice.contacts.add(contact)
    return practice, contact


def test_the_contact_facet_counts_and_filters_public_contacts_only(client, secret):
    practice, _contact = secret
    expected = with_public_contact()
    counts = facet(client.get(URL), "contact")
    published = shown().count()
    assert counts == {"yes": len(expected), "no": published - len(expected)}
    assert set(all_result_slugs(client, {"contact": "yes"})) == expected
    assert practice.slug in all_result_slugs(client, {"contact": "no"})
    assert len(all_result_slugs(client, {"contact": ["yes", "no"]})) == published


def test_the_practice_csv_names_public_contacts_and_never_private_ones(client, secret):
    practice, private = secret
    public = Contact.objects.public().filter(practices__isnull=False).first()
    shared = public.practices.first()
    shared.contacts.add(private)
    body = b"".join(client.get(reverse("practices:export")).streaming_content).decode()
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(body))}
    assert public.name in rows[shared.slug]["contact_names"]
    assert public.email in rows[shared.slug]["contact_emails"]
    names = rows[shared.slug]["contact_names"].split("; ")
    roles = rows[shared.slug]["contact_roles"].split("; ")
    assert len(names) == len(roles) == shared.contacts.filter(is_public=True).count()
    assert rows[practice.slug]["contact_names"] == ""
    assert "Private Desk" not in body and "private@example.eu" not in body
