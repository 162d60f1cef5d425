from django.urls import path

from . import views
from .assessments import views as assessment_views

app_name = "benchmarks"

urlpatterns = [
    path("", views.benchmark_list, name="list"),
    path("contextual-factors/", views.contextual_factors, name="contextual"),
    path(
        "assess/<slug:city_slug>/<slug:benchmark_slug>/",
        assessment_views.assessment_create,
        name="assess",
    ),
    path("assessments/<int:pk>/", assessment_views.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/edit/", assessment_views.assessment_edit, name="assessment_edit"),
    path("<slug:slug>/", views.benchmark_detail, name="detail"),
    path("<slug:slug>/compare/", assessment_views.compare, name="compare"),
    path("<slug:slug>/compare.csv", assessment_views.compare_export, name="compare_export"),
]
