from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .models import Benchmark, ContextualFactor


@require_GET
def benchmark_list(request):
    return render(
        request, "benchmarks/benchmark_list.html", {"benchmarks": Benchmark.objects.for_list()}
    )


@require_GET
def benchmark_detail(request, slug):
    try:
        benchmark = Benchmark.objects.for_detail().get(slug=slug)
    except Benchmark.DoesNotExist:
        raise Http404(f"No benchmark has the address {slug!r}.") from None
    return render(request, "benchmarks/benchmark_detail.html", {"benchmark": benchmark})


@require_GET
def contextual_factors(request):
    factors = ContextualFactor.objects.prefetch_related("citations__document")
    return render(request, "benchmarks/contextual_factors.html", {"factors": factors})
