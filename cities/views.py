from itertools import groupby

from django.shortcuts import render
from django.views.decorators.http import require_safe

from portal.export import export_response
from portal.fairuse import fair_export
from portal.http import get_or_404
from portal.text import clean_param
from sources.versioning import conditional_on_content

from .exports import CITY_COLUMNS, CONTACT_COLUMNS, ORGANISATION_COLUMNS
from .models import City, Contact, Membership, Network, Organisation

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


@require_safe
@conditional_on_content
def city_list(request):
    name = _name_filter(request)
    cities = City.objects.for_list().named(name).order_by("country__name", "name", "pk")
    groups = [(country, list(rows)) for country, rows in groupby(cities, key=lambda c: c.country)]
    return render(
        request,
        "cities/city_list.html",
        {"groups": groups, "name": name, "city_count": sum(len(rows) for _c, rows in groups)},
    )


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
    return render(request, "cities/network_detail.html", {"network": network})


@require_safe
@conditional_on_content
@fair_export
def city_export(request):
    name = _name_filter(request)
    return export_response(
        request,
        queryset=City.objects.for_export().named(name).order_by("country__name", "name", "pk"),
        columns=CITY_COLUMNS,
        name="cities",
        filters={"name": name} if name else {},
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
