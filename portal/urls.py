from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.http import require_safe

from practices import views as practice_views

from . import views
from .sitemaps import SITEMAPS

admin.site.site_header = "City Practice Portal: curation"
admin.site.site_title = "City Practice Portal admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", require_safe(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("accounts/password_reset/", views.password_reset, name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("practices/", include("practices.urls")),
    path("themes/", practice_views.theme_list, name="themes"),
    path("", include("cities.urls")),
    path("benchmarks/", include("benchmarks.urls")),
    path("api/v1/", include("api.urls")),
]

handler404 = "portal.views.not_found"
handler403 = "portal.views.forbidden"
handler500 = "portal.views.server_error"
