from django.conf import settings
from django.contrib.auth.views import PasswordResetView
from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from api.errors import json_error
from benchmarks.models import Benchmark
from cities.map import cities_map
from cities.models import City, Network, Organisation
from portal.http import NotFound
from practices.models import Practice, Theme

from . import health


@require_safe
def home(request):
    cities = City.objects.for_list()
    context = {
        # As many as the browser its link opens shows (initiatives and strategies).
        "practice_count": Practice.objects.published().of_browser_kinds().count(),
        "city_count": len(cities),
        "organisation_count": Organisation.objects.count(),
        "themes": Theme.objects.with_practice_counts(),
        "networks": Network.objects.for_list(),
        "benchmarks": Benchmark.objects.for_list(),
        "recent": Practice.objects.published().recently_added(),
        "map": cities_map(cities, _("Map of the cities in the knowledge base")),
    }
    return render(request, "home.html", context)


@never_cache
@require_safe
def healthz(request):
    """200 only when the primary database answers: what a load balancer needs, one query.
    With ?full, a JSON report of each dependency (primary, replicas and their lag, the
    cache), checked afresh: for operators and the cluster check, not every two seconds."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        error = ""
    except DatabaseError as exc:
        error = f"{type(exc).__name__}: {exc}".strip()
    if "full" in request.GET:
        status, body = health.report(error)
        return JsonResponse(body, status=status)
    if error:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever a page links; the icon is an SVG. Resolved
    per request: the hashed static name exists only once collectstatic has run."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


@require_safe
def robots_txt(request):
    """Crawlers may read every public page; the admin and accounts are not for them."""
    codes = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    prefixes = ["", *(f"/{code}" for code in codes)]
    lines = ["User-agent: *"]
    lines += [f"Disallow: {prefix}/admin/" for prefix in prefixes]
    lines += [f"Disallow: {prefix}/accounts/" for prefix in prefixes]
    # The switcher's links only set a cookie; the pages they lead to are listed as
    # alternates of each page.
    lines += ["Disallow: /language/", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


_password_reset = PasswordResetView.as_view()


def password_reset(request, *args, **kwargs):
    """Django's reset form, only when e-mail can be sent (settings.EMAIL_HOST); otherwise
    a page that says so, rather than a "we sent you a link" nobody will receive."""
    if settings.EMAIL_HOST:
        return _password_reset(request, *args, **kwargs)
    message = _("No e-mail is sent from this portal: ask an administrator to reset your password.")
    return render(request, "404.html", {"message": message}, status=404)


def _is_api(request):
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    if _is_api(request):
        message = _not_found_message(exception) or "Nothing here: see /api/v1/ for the API's lists."
        return json_error(404, message)
    return render(request, "404.html", {"message": _not_found_message(exception)}, status=404)


def _not_found_message(exception):
    # NotFound raised by our views carries a sentence meant for visitors; Django's own
    # Http404 (resolver, get_object_or_404) would leak internals: the generic text.
    if isinstance(exception, NotFound) and exception.args:
        return str(exception)
    return ""


def forbidden(request, exception=None):
    message = str(exception) if exception is not None and exception.args else ""
    return render(request, "403.html", {"message": message}, status=403)


def server_error(request):
    if _is_api(request):
        return json_error(500, "The server failed to answer; the error has been logged.")
    return render(request, "500.html", status=500)
