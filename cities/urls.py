from django.urls import path

from . import views

app_name = "cities"

urlpatterns = [
    path("cities/", views.city_list, name="list"),
    path("cities/export.csv", views.city_export, name="export"),
    path("organisations/export.csv", views.organisation_export, name="organisations_export"),
    path("contacts/export.csv", views.contact_export, name="contacts_export"),
    path("cities/<slug:slug>/", views.city_detail, name="detail"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("networks/", views.network_list, name="networks"),
    path("networks/<slug:slug>/", views.network_detail, name="network"),
]
