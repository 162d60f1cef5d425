from django.urls import path

from . import views

app_name = "benchmarks"

urlpatterns = [
    path("", views.benchmark_list, name="list"),
    path("contextual-factors/", views.contextual_factors, name="contextual"),
    path("<slug:slug>/", views.benchmark_detail, name="detail"),
]
