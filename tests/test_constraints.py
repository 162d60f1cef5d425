"""The database itself refuses rows that would corrupt the knowledge base."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cities.models import City, Contact, Country, Membership, Network
from practices.models import Practice

from . import factories

pytestmark = pytest.mark.django_db


def refuses(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_it_refuses_two_practices_with_one_slug():
    factories.practice(slug="same-slug")
    refuses(lambda: factories.practice(slug="same-slug"))


def test_it_refuses_an_end_year_before_the_start_year():
    refuses(lambda: factories.practice(start_year=2020, end_year=2019))


def test_clean_explains_an_end_year_before_the_start_year():
    practice = Practice(
        title="x", slug="x", summary="x", start_year=2020, end_year=2019, city=factories.city()
    )
    with pytest.raises(ValidationError) as exc:
        practice.full_clean()
    assert "end_year" in exc.value.message_dict


def test_it_refuses_a_practice_with_neither_city_nor_organisation():
    refuses(lambda: Practice.objects.create(title="x", slug="orphan", summary="x"))


def test_it_refuses_a_malformed_email():
    refuses(lambda: Contact.objects.create(key="bad-mail", name="Bad", email="not-an-address"))


def test_it_accepts_a_contact_without_email():
    assert Contact.objects.create(key="no-mail", name="No Mail").pk


def test_it_refuses_two_cities_with_one_name_in_one_country():
    factories.city(name="Doubleton")
    refuses(lambda: factories.city(name="doubleton"))


def test_it_allows_one_city_name_in_two_countries():
    factories.city(name="Twinsburg", country=Country.objects.get(code="BE"))
    factories.city(name="Twinsburg", country=Country.objects.get(code="NL"))
    assert City.objects.filter(name="Twinsburg").count() == 2


def test_it_refuses_a_second_membership_of_one_city_in_one_network():
    network = Network.objects.create(name="Test network", slug="test-network")
    member = factories.city()
    Membership.objects.create(network=network, city=member)
    refuses(lambda: Membership.objects.create(network=network, city=member, role="again"))


def test_it_refuses_a_membership_of_both_a_city_and_an_organisation():
    network = Network.objects.create(name="Test network", slug="test-network")
    refuses(
        lambda: Membership.objects.create(
            network=network, city=factories.city(), organisation=factories.organisation()
        )
    )


def test_it_refuses_a_country_code_that_is_not_two_capitals():
    refuses(lambda: Country.objects.create(code="b1", name="Nowhere"))
