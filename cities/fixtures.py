"""The record kinds of the cities app in the fixture files (fixtures/FORMAT.md)."""

from decimal import Decimal

from sources.records import Kind, check_boolean, check_numbers

from .models import City, Contact, Country, Membership, Network, Organisation


def _city_values(data, values):
    for name in ("latitude", "longitude"):
        values[name] = Decimal(str(round(float(data[name]), 5)))


def _membership_key(data):
    return f"{data.get('network')}/{data.get('city') or data.get('organisation')}"


def _membership_object_key(membership):
    return f"{membership.network.slug}/{(membership.city or membership.organisation).slug}"


def _check_membership(record):
    if not (record.data.get("city") or record.data.get("organisation")):
        # Needed to find the record; "both" is the model's rule, checked by full_clean.
        raise record.error("give the member: 'city' or 'organisation'", "city")


def _contact_values(data, values):
    values["is_public"] = data.get("public", True)


def _contact_dump(contact):
    return {} if contact.is_public else {"public": False}


def _city_dump(city):
    return {"latitude": float(city.latitude), "longitude": float(city.longitude)}


KINDS = (
    Kind(
        "country",
        Country,
        "code",
        order=10,
        text=("code", "name"),
        translated=("name",),
        required=("code", "name"),
        only_in="00_vocabularies.toml",
    ),
    Kind(
        "city",
        City,
        "slug",
        order=60,
        text=("slug", "name", "region", "profile"),
        translated=("profile",),
        required=("slug", "name", "country", "latitude", "longitude"),
        ints=("population", "population_year"),
        fks={"country": ("country", "country")},
        extra=frozenset({"latitude", "longitude"}),
        cited=True,
        mentionable=True,
        check=lambda record: check_numbers(record, "latitude", "longitude"),
        values=_city_values,
        dump=_city_dump,
    ),
    Kind(
        "organisation",
        Organisation,
        "slug",
        order=70,
        text=("slug", "name", "kind", "website", "description"),
        translated=("description",),
        required=("slug", "name", "kind"),
        fks={"city": ("city", "city"), "country": ("country", "country")},
        cited=True,
        mentionable=True,
    ),
    Kind(
        "network",
        Network,
        "slug",
        order=80,
        text=("slug", "name", "description", "website", "total_qualifier", "member_noun"),
        translated=("name", "description"),
        required=("slug", "name"),
        ints=("stated_total",),
        defaults={"member_noun": "members"},
        cited=True,
        mentionable=True,
    ),
    Kind(
        "membership",
        Membership,
        "network",
        order=90,
        text=("role",),
        required=("network",),
        ints=("since",),
        fks={
            "network": ("network", "network"),
            "city": ("city", "city"),
            "organisation": ("organisation", "organisation"),
        },
        cited=True,
        mentionable=True,
        key_of=_membership_key,
        key_of_object=_membership_object_key,
        check=_check_membership,
        defaults={"role": "member"},
    ),
    Kind(
        "contact",
        Contact,
        "key",
        # After practices: a contact lists the practices it is for.
        order=110,
        text=("key", "name", "role", "email", "phone", "address"),
        required=("key", "name"),
        fks={"organisation": ("organisation", "organisation"), "city": ("city", "city")},
        m2m={"practices": ("practice", "practices")},
        extra=frozenset({"public"}),
        cited=True,
        mentionable=True,
        check=lambda record: check_boolean(record, "public"),
        values=_contact_values,
        dump=_contact_dump,
    ),
)
