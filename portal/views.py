from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cities.models import City, Organisation
from practices.models import Practice, Theme


@require_GET
def home(request):
    themes = Theme.objects.with_practice_counts()
    context = {
        # As many as the browser its link opens shows (initiatives and strategies).
        "practice_count": Practice.objects.published().of_browser_kinds().count(),
        "city_count": City.objects.count(),
        "organisation_count": Organisation.objects.count(),
        "themes": themes,
    }
    return render(request, "home.html", context)


@never_cache
@require_GET
def healthz(request):
    """200 only when the database answers: what a load balancer or uptime check needs."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def not_found(request, exception=None):
    return render(request, "404.html", {"message": _not_found_message(exception)}, status=404)


def _not_found_message(exception):
    # Http404 raised by our views carries a sentence meant for visitors; Django's own
    # (resolver, get_object_or_404) would leak internals, so they get the generic text.
    message = str(exception) if exception is not None and exception.args else ""
    return message if message.startswith("No ") and "matches the given query" not in message else ""


def forbidden(request, exception=None):
    message = str(exception) if exception is not None and exception.args else ""
    return render(request, "403.html", {"message": message}, status=403)


def server_error(request):
    return render(request, "500.html", status=500)
