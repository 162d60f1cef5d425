from django.shortcuts import render
from django.views.decorators.http import require_safe

from portal.http import get_or_404

from .models import Benchmark, ContextualFactor


@require_safe
def benchmark_list(request):
    return render(
        request, "benchmarks/benchmark_list.html", {"benchmarks": Benchmark.objects.for_list()}
    )


@require_safe
def benchmark_detail(request, slug):
    benchmark = get_or_404(Benchmark.objects.for_detail(), "benchmark", slug=slug)
    return render(request, "benchmarks/benchmark_detail.html", {"benchmark": benchmark})


@require_safe
def contextual_factors(request):
    factors = ContextualFactor.objects.prefetch_related("citations__document")
    return render(request, "benchmarks/contextual_factors.html", {"factors": factors})
