from django.contrib import admin
from django.urls import include, path

from practices import views as practice_views

from . import views

admin.site.site_header = "City Practice Portal: curation"
admin.site.site_title = "City Practice Portal admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("practices/", include("practices.urls")),
    path("themes/", practice_views.theme_list, name="themes"),
    path("", include("cities.urls")),
    path("benchmarks/", include("benchmarks.urls")),
]

handler404 = "portal.views.not_found"
handler403 = "portal.views.forbidden"
handler500 = "portal.views.server_error"
