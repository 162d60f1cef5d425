from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView

from . import lists, views

app_name = "api"

urlpatterns = [
    path("", views.Index.as_view(), name="index"),
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path("docs", views.docs, name="docs"),
    path("practices/", views.PracticeList.as_view(), name="practices"),
    path("practices/<slug:slug>/", views.PracticeDetail.as_view(), name="practice"),
    path("cities/", lists.CityList.as_view(), name="cities"),
    path("cities/<slug:slug>/", lists.CityDetail.as_view(), name="city"),
    path("organisations/", lists.OrganisationList.as_view(), name="organisations"),
    path("organisations/<slug:slug>/", lists.OrganisationDetail.as_view(), name="organisation"),
    path("networks/", lists.NetworkList.as_view(), name="networks"),
    path("networks/<slug:slug>/", lists.NetworkDetail.as_view(), name="network"),
    path("countries/", lists.CountryList.as_view(), name="countries"),
    path("themes/", lists.ThemeList.as_view(), name="themes"),
    path("target-groups/", lists.TargetGroupList.as_view(), name="target_groups"),
    path("funding-sources/", lists.FundingSourceList.as_view(), name="funding_sources"),
    path("sources/", lists.SourceList.as_view(), name="sources"),
    path("benchmarks/", lists.BenchmarkList.as_view(), name="benchmarks"),
    path("benchmarks/<slug:slug>/", lists.BenchmarkDetail.as_view(), name="benchmark"),
    path("contextual-factors/", lists.ContextualFactorList.as_view(), name="contextual_factors"),
    path("assessments/", lists.AssessmentList.as_view(), name="assessments"),
    path("assessments/<int:pk>/", lists.AssessmentDetail.as_view(), name="assessment"),
]
