from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from portal.export import export_response
from portal.fairuse import fair_export
from portal.http import get_or_404
from portal.text import clean_param
from sources.versioning import conditional_on_content

from .exports import CITY_COLUMNS, CONTACT_COLUMNS, ORGANISATION_COLUMNS
from .map import cities_map
from .models import CITY_ORDERS, City, Contact, Membership, Network, Organisation

# What apps built on this one add to the city page (benchmarks: the city's VALUES
# assessments), so that cities never imports them. Each is (request, city) -> context.
CITY_PAGE_SECTIONS = []


def _kind_filter(request):
    # The one rule for the organisation lists' kind: a known kind, or none (ignored).
    kind = request.GET.get("kind", "")
    return kind if kind in Organisation.Kind.values else ""


def _name_filter(request):
    # A name filter is a plain substring; capped so a pasted essay stays cheap.
    return clean_param(request.GET.get("name", ""))


# The cities table's sortable columns, in table order: (sort key, heading, direction).
SORTABLE = (
    ("name", _("City"), "ascending"),
    ("country", _("Country"), "ascending"),
    ("population", _("Population"), "descending"),
    ("practices", _("Practices"), "descending"),
)


def _city_sort(request):
    # An unknown order is no error: the list comes in its default order, as the browser does.
    sort = request.GET.get("sort", "")
    return sort if sort in CITY_ORDERS else next(iter(CITY_ORDERS))


@require_safe
@conditional_on_content
def city_list(request):
    name = _name_filter(request)
    sort = _city_sort(request)
    cities = list(City.objects.for_list().with_networks().named(name).sorted_by(sort))
    # Country.get_absolute_url() points at its first city in the list, in any order.
    seen = set()
    for city in cities:
        city.first_of_country = city.country_id not in seen
        seen.add(city.country_id)
    context = {
        "cities": cities,
        "name": name,
        "sort": sort,
        "columns": [
            {"key": key, "heading": heading, "direction": direction, "sorted": key == sort}
            for key, heading, direction in SORTABLE
        ],
        "map": cities_map(cities, _("Map of the cities in the knowledge base")),
    }
    return render(request, "cities/city_list.html", context)


@require_safe
@conditional_on_content
def city_detail(request, slug):
    city = get_or_404(City.objects.for_detail(), "city", slug=slug)
    context = {
        "city": city,
        # The reverse manager carries the practices' QuerySet methods, without an import.
        "practices": city.practices.visible_to(request.user).for_list(),
        "organisations": city.organisations.all(),
        "memberships": Membership.objects.filter(city=city).select_related("network"),
        "contacts": Contact.objects.public().filter(city=city).select_related("organisation"),
        # A locator: the city among all the others, so that neighbours are a click away.
        "map": cities_map(
            City.objects.for_list(), _("Where %(city)s is") % {"city": city.name}, current=city
        ),
    }
    for section in CITY_PAGE_SECTIONS:
        context.update(section(request, city))
    return render(request, "cities/city_detail.html", context)


@require_safe
@conditional_on_content
def organisation_list(request):
    name = _name_filter(request)
    kind = _kind_filter(request)
    organisations = Organisation.objects.for_list().matching(name, kind)
    context = {
        "organisations": organisations,
        "name": name,
        "kind": kind,
        "kinds": Organisation.Kind.choices,
    }
    return render(request, "cities/organisation_list.html", context)


@require_safe
@conditional_on_content
def organisation_detail(request, slug):
    organisation = get_or_404(Organisation.objects.for_detail(), "organisation", slug=slug)
    context = {
        "organisation": organisation,
        "led": organisation.led_practices.visible_to(request.user).for_list(),
        "partnered": organisation.partner_practices.visible_to(request.user).for_list(),
        "memberships": Membership.objects.filter(organisation=organisation).select_related(
            "network"
        ),
        "contacts": Contact.objects.public().filter(organisation=organisation),
    }
    return render(request, "cities/organisation_detail.html", context)


@require_safe
@conditional_on_content
def network_list(request):
    return render(request, "cities/network_list.html", {"networks": Network.objects.for_list()})


@require_safe
@conditional_on_content
def network_detail(request, slug):
    network = get_or_404(Network.objects.for_detail(), "network", slug=slug)
    members = City.objects.for_list().filter(memberships__network=network)
    context = {
        "network": network,
        "map": cities_map(
            members,
            _("Map of the member cities of %(network)s") % {"network": network.name},
            zoom=True,
        ),
    }
    return render(request, "cities/network_detail.html", context)


@require_safe
@conditional_on_content
@fair_export
def city_export(request):
    name = _name_filter(request)
    sort = _city_sort(request)
    filters = {"name": name} if name else {}
    return export_response(
        request,
        queryset=City.objects.for_export().named(name).sorted_by(sort),
        columns=CITY_COLUMNS,
        name="cities",
        filters=filters,
    )


@require_safe
@conditional_on_content
@fair_export
def organisation_export(request):
    name = _name_filter(request)
    kind = _kind_filter(request)
    return export_response(
        request,
        queryset=Organisation.objects.for_export().matching(name, kind).order_by("name", "pk"),
        columns=ORGANISATION_COLUMNS,
        name="organisations",
        filters={k: v for k, v in {"name": name, "kind": kind}.items() if v},
    )


@require_safe
@fair_export
def contact_export(request):
    """Public contacts only, whoever asks: the rest are for curators, in the admin."""
    contacts = Contact.objects.public().for_export()
    filters = {}
    for param, field in (("city", "city__slug"), ("organisation", "organisation__slug")):
        value = clean_param(request.GET.get(param, ""))
        if value:
            contacts = contacts.filter(**{field: value})
            filters[param] = value
    return export_response(
        request,
        queryset=contacts.order_by("name", "pk"),
        columns=CONTACT_COLUMNS,
        name="contacts",
        filters=filters,
    )
