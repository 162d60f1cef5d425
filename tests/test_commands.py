"""seed_synthetic, bench_browse and bench_export on a small scale."""

import re

import pytest
from django.core.management import CommandError, call_command
from taggit.models import Tag

from benchmarks.assessments.models import Assessment
from cities.models import City
from practices.models import Practice

pytestmark = pytest.mark.django_db


def test_seed_synthetic_makes_marked_linked_searchable_practices(capsys):
    real = Practice.objects.count()
    call_command("seed_synthetic", practices=120, assessments=2)
    synthetic = Practice.objects.filter(slug__startswith="synthetic-")
    assert synthetic.count() == 120 == Practice.objects.count() - real
    assert all(p.title.startswith("[Synthetic]") for p in synthetic)
    assert synthetic.filter(themes__isnull=True).count() == 0
    assert synthetic.filter(citations__document__key="synthetic-data").count() == 120
    word = synthetic.first().title.split()[1]
    assert Practice.objects.search(word).filter(slug__startswith="synthetic-").exists()
    assert Assessment.objects.filter(is_synthetic=True).count() == 2 * 2 * 2
    assert "Made 120 synthetic practices" in capsys.readouterr().out


def test_seed_synthetic_clear_removes_only_synthetic_data():
    real = (Practice.objects.count(), City.objects.count())
    call_command("seed_synthetic", practices=40, assessments=1)
    call_command("seed_synthetic", practices=0, clear=True)
    assert (Practice.objects.count(), City.objects.count()) == real
    assert not Assessment.objects.filter(is_synthetic=True).exists()


def test_seed_synthetic_refuses_a_silly_size():
    with pytest.raises(CommandError):
        call_command("seed_synthetic", practices=-5)


def test_the_bench_commands_report_their_figures(capsys):
    call_command("bench_browse", runs=2)
    out = capsys.readouterr().out
    scenarios = ("no filter", "one theme", "one-word search", "two facets", "search + three facets")
    for scenario in scenarios:
        # cold median and p95, after a write, a new worker, warm median and p95,
        # queries, page/SQL ratio, results, the machine's loop time just before the row
        figures = r"\s+[\d.]+" * 6 + r"\s+\d+\s+[\d.]+\s+\d+\s+\d+$"
        assert re.search(rf"^{re.escape(scenario)}{figures}", out, re.MULTILINE), out
    assert re.search(r"machine: a 1,000,000-step Python loop takes \d+ ms", out), out
    # Its "after a write" requests toggle a tag on a practice, and leave it off.
    assert not Practice.objects.filter(tags__name="bench-browse-write").exists()
    assert not Tag.objects.filter(name="bench-browse-write").exists()
    call_command("bench_export")
    out = capsys.readouterr().out
    # The export without parameters: the kinds the browser shows by default.
    rows = Practice.objects.published().of_browser_kinds().count()
    assert f"{rows} rows ({rows} in the header)" in out
    assert "rows/s" in out and "peak Python memory" in out
    assert re.search(r"machine: a 1,000,000-step Python loop takes \d+ ms", out), out
