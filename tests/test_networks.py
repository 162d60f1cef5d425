"""Networks are in the main menu, and say how much of their membership the sources name."""

import pytest
from django.urls import reverse

from cities.models import Network

pytestmark = pytest.mark.django_db


def test_networks_are_in_the_main_menu(client):
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("cities:networks")}">Networks</a>' in page


def test_a_partial_member_list_says_how_many_of_the_stated_total_it_names(client):
    charter = Network.objects.get(slug="integrating-cities-charter")
    named = charter.memberships.count()
    assert 0 < named < 42
    text = f"{named} of 42 signatories named in the sources"
    assert text in client.get(charter.get_absolute_url()).content.decode()
    assert text in client.get(reverse("cities:networks")).content.decode()


def test_a_network_without_a_stated_total_says_so(client):
    network = Network.objects.filter(stated_total__isnull=True).first()
    page = client.get(network.get_absolute_url()).content.decode()
    named = network.memberships.count()
    assert f"{named} members named in the sources; they state no total" in page


def test_the_networks_list_costs_one_query(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        client.get(reverse("cities:networks"))
