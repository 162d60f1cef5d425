"""Export columns of the city, organisation and contact lists (documented in the README)."""

from portal.export import Column, url_prefix


def citations(obj):
    return [c.label for c in obj.citations.all()]


CITY_COLUMNS = [
    Column("id", lambda o, r: o.pk, "Database id"),
    Column("slug", lambda o, r: o.slug, "Stable identifier; joins practices.csv city_slug"),
    Column("url", lambda o, r: f"{url_prefix(r, 'cities:list')}{o.slug}/", "City page"),
    Column("name", lambda o, r: o.name, "City name"),
    Column("country_code", lambda o, r: o.country_id, "ISO 3166-1 alpha-2"),
    Column("country", lambda o, r: o.country.name, "Country name"),
    Column("region", lambda o, r: o.region or None, "Region, where known"),
    Column("population", lambda o, r: o.population, "Population as the source states it"),
    Column("population_year", lambda o, r: o.population_year, "Year of that figure"),
    Column("latitude", lambda o, r: float(o.latitude) if o.latitude is not None else None, ""),
    Column("longitude", lambda o, r: float(o.longitude) if o.longitude is not None else None, ""),
    Column("practice_count", lambda o, r: o.practice_count, "Published practices in the city"),
    Column("networks", lambda o, r: [m.network.slug for m in o.memberships.all()], "Network slugs"),
    Column("source", lambda o, r: citations(o), "Source documents and sections"),
]

ORGANISATION_COLUMNS = [
    Column("id", lambda o, r: o.pk, "Database id"),
    Column("slug", lambda o, r: o.slug, "Stable identifier; joins practices.csv"),
    Column("url", lambda o, r: f"{url_prefix(r, 'cities:organisations')}{o.slug}/", "Page"),
    Column("name", lambda o, r: o.name, "Name as printed"),
    Column("kind", lambda o, r: o.kind, "municipal, ngo, international, ..."),
    Column("city_slug", lambda o, r: o.city.slug if o.city_id else None, "Where it is based"),
    Column(
        "country_code",
        lambda o, r: o.country_id or (o.city.country_id if o.city_id else None),
        "ISO 3166-1 alpha-2",
    ),
    Column("website", lambda o, r: o.website or None, ""),
    Column("led_practices", lambda o, r: o.led_count, "Published practices it leads"),
    Column("partner_practices", lambda o, r: o.partner_count, "Published practices it partners in"),
    Column("source", lambda o, r: citations(o), "Source documents and sections"),
]

CONTACT_COLUMNS = [
    Column("key", lambda o, r: o.key, "Stable identifier"),
    Column("name", lambda o, r: o.name, "Person or office"),
    Column("role", lambda o, r: o.role or None, "Role as printed"),
    Column(
        "organisation_slug",
        lambda o, r: o.organisation.slug if o.organisation_id else None,
        "Joins organisations.csv",
    ),
    Column("city_slug", lambda o, r: o.city.slug if o.city_id else None, "Joins cities.csv"),
    Column("email", lambda o, r: o.email or None, ""),
    Column("phone", lambda o, r: o.phone or None, ""),
    Column("address", lambda o, r: o.address or None, "Postal address as printed"),
    Column(
        "practice_slugs",
        lambda o, r: [p.slug for p in o.practices.all() if p.is_published],
        "Published practices this contact is for",
    ),
    Column("source", lambda o, r: citations(o), "Source documents and sections"),
]
