from itertools import groupby

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from practices.models import Practice

from .models import City, Contact, Membership, Network, Organisation


def _get_or_404(queryset, noun, **lookup):
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404(f"No {noun} has the address {lookup.get('slug', '')!r}.") from None


def _name_filter(request):
    # A name filter is a plain substring; cap it so a pasted essay stays cheap.
    return request.GET.get("name", "").strip()[:100]


@require_GET
def city_list(request):
    name = _name_filter(request)
    cities = City.objects.for_list().order_by("country__name", "name")
    if name:
        cities = cities.filter(name__icontains=name)
    groups = [(country, list(rows)) for country, rows in groupby(cities, key=lambda c: c.country)]
    return render(
        request,
        "cities/city_list.html",
        {"groups": groups, "name": name, "city_count": sum(len(rows) for _c, rows in groups)},
    )


@require_GET
def city_detail(request, slug):
    city = _get_or_404(City.objects.for_detail(), "city", slug=slug)
    practices = Practice.objects.visible_to(request.user).filter(city=city).for_list()
    context = {
        "city": city,
        "practices": practices,
        "organisations": city.organisations.all(),
        "memberships": Membership.objects.filter(city=city).select_related("network"),
        "contacts": Contact.objects.public().filter(city=city).select_related("organisation"),
    }
    return render(request, "cities/city_detail.html", context)


@require_GET
def organisation_list(request):
    name = _name_filter(request)
    organisations = Organisation.objects.for_list()
    kind = request.GET.get("kind", "")
    if name:
        organisations = organisations.filter(name__icontains=name)
    if kind in Organisation.Kind.values:
        organisations = organisations.filter(kind=kind)
    else:
        kind = ""
    context = {
        "organisations": organisations,
        "name": name,
        "kind": kind,
        "kinds": Organisation.Kind.choices,
    }
    return render(request, "cities/organisation_list.html", context)


@require_GET
def organisation_detail(request, slug):
    organisation = _get_or_404(Organisation.objects.for_detail(), "organisation", slug=slug)
    visible = Practice.objects.visible_to(request.user).for_list()
    context = {
        "organisation": organisation,
        "led": visible.filter(lead_organisation=organisation),
        "partnered": visible.filter(partners=organisation),
        "memberships": Membership.objects.filter(organisation=organisation).select_related(
            "network"
        ),
        "contacts": Contact.objects.public().filter(organisation=organisation),
    }
    return render(request, "cities/organisation_detail.html", context)


@require_GET
def network_list(request):
    return render(request, "cities/network_list.html", {"networks": Network.objects.for_list()})


@require_GET
def network_detail(request, slug):
    network = _get_or_404(Network.objects.for_detail(), "network", slug=slug)
    return render(request, "cities/network_detail.html", {"network": network})
