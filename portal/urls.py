from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from api import views as api_views
from practices import views as practice_views

from . import languages, views
from .sitemaps import SITEMAPS

admin.site.site_header = _("City Practice Portal: curation")
admin.site.site_title = _("City Practice Portal admin")

# Machine-read or language-free: one address each, never prefixed (portal/languages.py
# lists the same prefixes for the switcher and the first-visit redirect).
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", require_safe(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("language/<str:code>/", languages.switch_language, name="switch_language"),
    path("api/v1/", include("api.urls")),
]

# Pages for people: English at the unprefixed addresses every existing link uses, the
# other languages behind /fr/, /de/, /es/, /it/.
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/password_reset/", views.password_reset, name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("practices/", include("practices.urls")),
    path("themes/", practice_views.theme_list, name="themes"),
    path("", include("cities.urls")),
    path("benchmarks/", include("benchmarks.urls")),
    # The API's documentation in each language; unprefixed it is the API's own route.
    path("api/v1/docs", api_views.docs, name="api_docs"),
    prefix_default_language=False,
)

handler404 = "portal.views.not_found"
handler403 = "portal.views.forbidden"
handler500 = "portal.views.server_error"
