"""City self-assessments: written by the city's editors and admins, read by everyone."""

import reversion
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cities.models import City
from portal.export import Column, export_response
from portal.fairuse import fair_export
from portal.http import NotFound, get_or_404
from portal.text import clean_param
from practices.models import Practice

from ..models import Benchmark, ContextualFactor
from .forms import AssessmentForm
from .models import RATING_DESCRIPTIONS, Assessment, Rating, can_assess
from .reports import comparison, rating_label

MAX_COMPARED_CITIES = 30


def _check_can_assess(request, city):
    """Anonymous visitors are sent to sign in; signed-in users without the right get 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_assess(request.user, city):
        raise PermissionDenied(_("You are not an editor of %(city)s.") % {"city": city.name})
    return None


def _form(request, benchmark, city, instance=None):
    factors = benchmark.factors.prefetch_related("questions")
    return AssessmentForm(
        request.POST or None,
        benchmark=benchmark,
        city=city,
        factors=list(factors),
        contextual_factors=list(ContextualFactor.objects.all()),
        # Only what the writer may see: a city editor is not a curator, so no drafts.
        practices=list(
            Practice.objects.visible_to(request.user).filter(city=city).order_by("sort_title", "pk")
        ),
        instance=instance,
    )


def _save(request, form, verb):
    with reversion.create_revision():
        reversion.set_user(request.user)
        reversion.set_comment(f"{verb} through the assessment form")
        assessment = form.save(author=request.user)
    messages.success(request, _("Assessment of %(city)s saved.") % {"city": assessment.city.name})
    return redirect(assessment.city.get_absolute_url() + "#assessment")


def _render_form(request, form, benchmark, city, assessment=None, status=200):
    context = {
        "form": form,
        "benchmark": benchmark,
        "city": city,
        "assessment": assessment,
        "scale": [(value, label, RATING_DESCRIPTIONS[value]) for value, label in Rating.choices],
    }
    return render(request, "benchmarks/assessment_form.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def assessment_create(request, city_slug, benchmark_slug):
    city = City.objects.filter(slug=city_slug).select_related("country").first()
    benchmark = Benchmark.objects.filter(slug=benchmark_slug).first()
    if city is None or benchmark is None:
        raise NotFound(_("No such city or benchmark."))
    denied = _check_can_assess(request, city)
    if denied:
        return denied
    if not benchmark.factors.exists():
        raise NotFound(_("This benchmark has no factors to assess yet."))
    form = _form(request, benchmark, city)
    if request.method == "POST" and form.is_valid():
        return _save(request, form, "Created")
    status = 400 if request.method == "POST" else 200
    return _render_form(request, form, benchmark, city, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def assessment_edit(request, pk):
    assessment = (
        Assessment.objects.filter(pk=pk)
        .select_related("city__country", "benchmark")
        .prefetch_related("ratings__practices", "answers", "context_notes")
        .first()
    )
    if assessment is None:
        raise NotFound(_("No assessment has this number."))
    denied = _check_can_assess(request, assessment.city)
    if denied:
        return denied
    form = _form(request, assessment.benchmark, assessment.city, instance=assessment)
    if request.method == "POST" and form.is_valid():
        return _save(request, form, "Changed")
    status = 400 if request.method == "POST" else 200
    return _render_form(
        request, form, assessment.benchmark, assessment.city, assessment, status=status
    )


@require_safe
def assessment_detail(request, pk):
    assessment = (
        Assessment.objects.filter(pk=pk)
        .with_ratings(request.user)
        .prefetch_related("answers__question", "context_notes__contextual_factor")
        .first()
    )
    if assessment is None:
        raise NotFound(_("No assessment has this number."))
    context = {
        "assessment": assessment,
        "can_edit": can_assess(request.user, assessment.city),
    }
    return render(request, "benchmarks/assessment_detail.html", context)


def _compared(request, slug):
    benchmark = get_or_404(Benchmark.objects.prefetch_related("factors"), "benchmark", slug=slug)
    wanted = [clean_param(s) for s in request.GET.getlist("city") if clean_param(s)]
    wanted = list(dict.fromkeys(wanted))[:MAX_COMPARED_CITIES]
    found = {c.slug: c for c in City.objects.filter(slug__in=wanted).select_related("country")}
    cities = [found[s] for s in wanted if s in found]
    unknown = [s for s in wanted if s not in found]
    factors, rows = comparison(benchmark, cities)
    return benchmark, factors, rows, unknown


@require_safe
def compare(request, slug):
    benchmark, factors, rows, unknown = _compared(request, slug)
    assessed_cities = (
        City.objects.filter(assessments__benchmark=benchmark).distinct().order_by("name", "pk")
    )
    context = {
        "benchmark": benchmark,
        "factors": factors,
        "rows": rows,
        "unknown": unknown,
        "assessed_cities": assessed_cities,
        "selected": {row.city.slug for row in rows},
    }
    return render(request, "benchmarks/compare.html", context)


@require_safe
@fair_export
def compare_export(request, slug):
    """The comparison matrix as CSV or JSON, through the same export code as every list."""
    benchmark, factors, rows, _unknown = _compared(request, slug)
    columns = [
        Column("city", lambda row, r: row.city.name),
        Column("city_slug", lambda row, r: row.city.slug),
        Column("country_code", lambda row, r: row.city.country_id),
        Column(
            "assessment_date",
            lambda row, r: row.assessment.date.isoformat() if row.assessment else None,
        ),
        Column("synthetic", lambda row, r: row.assessment.is_synthetic if row.assessment else None),
    ]
    for index, factor in enumerate(factors):
        columns.append(
            Column(
                f"{factor.code}_rating",
                lambda row, r, i=index: rating_label(row.cells[i].rating) if row.cells[i] else None,
            )
        )
        columns.append(
            Column(
                f"{factor.code}_evidence",
                lambda row, r, i=index: row.cells[i].evidence if row.cells[i] else None,
            )
        )
    return export_response(
        request,
        queryset=rows,
        columns=columns,
        name=f"{benchmark.slug}-comparison",
        filters={"city": [row.city.slug for row in rows]},
        row_count=len(rows),
    )
