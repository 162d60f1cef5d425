"""A URLconf for tests/test_replicas.py: a GET that reads, writes, then reads again."""

from django.http import JsonResponse
from django.urls import path

from portal.urls import urlpatterns as site_urlpatterns
from practices import facet_bitmaps
from practices.models import Practice, Theme
from sources import versioning


def read_write_read(request):
    before = Practice.objects.count()
    Theme.objects.create(slug="written-in-a-get", name="Written in a GET")
    token, _changed = versioning.current_for_request()
    counts = facet_bitmaps.load(["theme"], (True,))
    return JsonResponse(
        {
            "practices": before,
            "themes": Theme.objects.count(),
            "token": token,
            "theme_values": len(counts.get("theme", [])),
        }
    )


def read_then_save(request):
    theme = Theme.objects.order_by("pk").first()
    read_from = theme._state.db
    theme.description = "Saved in a GET."
    theme.save(update_fields=["description"])
    return JsonResponse({"read_from": read_from, "pk": theme.pk})


urlpatterns = [
    path("read-write-read/", read_write_read),
    path("read-then-save/", read_then_save),
    # The site's own patterns, not include()d: they hold i18n_patterns, which Django
    # allows only in the root URLconf.
    *site_urlpatterns,
]
