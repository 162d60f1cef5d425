from django.urls import path
from django.views.decorators.http import require_safe

from . import views
from .feeds import PracticeFeed

app_name = "practices"

urlpatterns = [
    path("", views.practice_list, name="list"),
    path("export.csv", views.practice_export, name="export"),
    path("feed/", require_safe(PracticeFeed()), name="feed"),
    path("sources/", views.source_list, name="sources"),
    path("sources/<slug:key>/", views.source_detail, name="source"),
    path("<slug:slug>/", views.practice_detail, name="detail"),
]
