"""VALUES self-assessments: who may write them, what the city page and comparison show."""

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from reversion.models import Version

from benchmarks.assessments.models import Assessment, CityEditor
from benchmarks.models import Benchmark, Factor, GuidedQuestion
from cities.models import City
from practices.models import Practice

pytestmark = pytest.mark.django_db
THEME_A = "values-theme-a"


def assess_url(city="vantaa", benchmark=THEME_A):
    return reverse("benchmarks:assess", args=[city, benchmark])


def make_editor(city_slug, username=None):
    user = User.objects.create_user(
        username or f"editor-{city_slug}", password="a-long-test-password"
    )
    CityEditor.objects.create(user=user, city=City.objects.get(slug=city_slug))
    return user


def form_data(ratings, date="2026-03-01", evidence="Evidence text.", answers=None, practices=None):
    data = {"date": date}
    for code, value in ratings.items():
        data[f"rating_{code}"] = "" if value is None else str(value)
        data[f"evidence_{code}"] = f"{evidence} ({code})"
    for code, ids in (practices or {}).items():
        data[f"practices_{code}"] = [str(i) for i in ids]
    for question_id, text in (answers or {}).items():
        data[f"answer_{question_id}"] = text
    return data


@pytest.mark.parametrize(
    "path",
    [
        "/benchmarks/",
        "/benchmarks/values-theme-a/",
        "/benchmarks/values-common/",
        "/benchmarks/contextual-factors/",
        "/benchmarks/values-theme-a/compare/",
    ],
)
def test_benchmark_pages_render_with_the_seed_content(client, path):
    response = client.get(path)
    assert response.status_code == 200


def test_the_benchmark_page_shows_every_factor_and_its_practices(client):
    text = client.get("/benchmarks/values-theme-a/").content.decode()
    for factor in Factor.objects.filter(benchmark__slug=THEME_A):
        assert f"{factor.code}. {factor.title}" in text
        for illustration in factor.illustrations.filter(practice__is_published=True):
            assert illustration.practice.get_absolute_url() in text
    assert "/practices/?factor=A1" in text


def test_themes_without_factors_say_so(client):
    benchmarks = client.get("/benchmarks/").content.decode()
    assert benchmarks.count("No factors in the knowledge base yet.") == 3
    assert (
        "no factors in the knowledge base yet"
        in client.get("/benchmarks/values-theme-b/").content.decode()
    )


def test_cities_without_an_assessment_show_not_assessed(client):
    text = client.get(reverse("cities:detail", args=["vantaa"])).content.decode()
    assert "Not assessed" in text
    assert "rating-established" not in text and "rating-emerging" not in text
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_users_are_sent_to_sign_in(client, method):
    response = getattr(client, method)(assess_url(), form_data({"A1": 1}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("who", ["other-city-editor", "curator"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_others_get_403(client, who, method, editor):
    user = make_editor("riga") if who == "other-city-editor" else editor
    client.force_login(user)
    response = getattr(client, method)(assess_url("vantaa"), form_data({"A1": 1}))
    assert response.status_code == 403
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("who", ["city-editor", "admin"])
def test_the_city_editor_and_admins_can_create_and_edit(client, who, superuser):
    user = make_editor("vantaa") if who == "city-editor" else superuser
    client.force_login(user)
    assert client.get(assess_url()).status_code == 200
    response = client.post(assess_url(), form_data({"A1": 1, "A2": 2, "A3": 3, "A4": None}))
    assert response.status_code == 302
    assessment = Assessment.objects.get(city__slug="vantaa")
    assert assessment.author == user
    assert {r.factor.code: r.rating for r in assessment.ratings.all()} == {
        "A1": 1,
        "A2": 2,
        "A3": 3,
        "A4": None,
    }
    edit = reverse("benchmarks:assessment_edit", args=[assessment.pk])
    assert client.post(edit, form_data({"A1": 2, "A2": 2, "A3": 3, "A4": 0})).status_code == 302
    assert assessment.ratings.get(factor__code="A4").rating == 0


def test_another_citys_editor_cannot_edit(client):
    owner = make_editor("vantaa")
    client.force_login(owner)
    client.post(assess_url(), form_data({"A1": 1}))
    assessment = Assessment.objects.get()
    client.force_login(make_editor("riga"))
    edit = reverse("benchmarks:assessment_edit", args=[assessment.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, form_data({"A1": 3})).status_code == 403
    assert assessment.ratings.get(factor__code="A1").rating == 1


def test_bad_input_is_a_clear_400_not_a_500(client):
    client.force_login(make_editor("vantaa"))
    response = client.post(assess_url(), {"date": "yesterday-ish", "rating_A1": "11"})
    assert response.status_code == 400
    assert "Enter a valid date" in response.content.decode()
    assert not Assessment.objects.exists()
    assert client.get(assess_url("atlantis")).status_code == 404
    assert client.get(assess_url("vantaa", "values-theme-b")).status_code == 404
    assert client.get(reverse("benchmarks:assessment_edit", args=[99999])).status_code == 404


def test_supporting_practices_must_be_the_citys_own(client):
    client.force_login(make_editor("vantaa"))
    own = Practice.objects.filter(city__slug="vantaa").first()
    foreign = Practice.objects.exclude(city__slug="vantaa").first()
    response = client.post(assess_url(), form_data({"A1": 2}, practices={"A1": [foreign.pk]}))
    assert response.status_code == 400
    response = client.post(assess_url(), form_data({"A1": 2}, practices={"A1": [own.pk]}))
    assert response.status_code == 302
    assert list(Assessment.objects.get().ratings.get(factor__code="A1").practices.all()) == [own]


def test_guided_questions_are_answered_or_skipped(client):
    client.force_login(make_editor("vantaa"))
    questions = list(GuidedQuestion.objects.filter(factor__code="A1"))
    client.post(
        assess_url(), form_data({"A1": 1}, answers={questions[0].pk: "The mayor spoke in May."})
    )
    answers = {a.question_id: a.answer for a in Assessment.objects.get().answers.all()}
    assert answers[questions[0].pk] == "The mayor spoke in May."
    assert answers[questions[1].pk] == ""
    page = client.get(Assessment.objects.get().get_absolute_url()).content.decode()
    assert "The mayor spoke in May." in page
    assert "(skipped)" in page


def test_the_form_shows_the_guided_questions_beside_each_factor(client):
    client.force_login(make_editor("vantaa"))
    text = client.get(assess_url()).content.decode()
    for question in GuidedQuestion.objects.filter(factor__benchmark__slug=THEME_A):
        assert question.text.replace("'", "&#x27;").replace('"', "&quot;") in text


def test_every_change_is_in_the_history(client):
    user = make_editor("vantaa")
    client.force_login(user)
    client.post(assess_url(), form_data({"A1": 1}))
    assessment = Assessment.objects.get()
    client.post(reverse("benchmarks:assessment_edit", args=[assessment.pk]), form_data({"A1": 2}))
    versions = Version.objects.get_for_object(assessment)
    assert versions.count() == 2
    assert {v.revision.user for v in versions} == {user}


def test_the_gap_report_suggests_other_cities_practices_for_weak_factors(client):
    client.force_login(make_editor("vantaa"))
    client.post(assess_url(), form_data({"A1": 1, "A2": 3, "A3": 0, "A4": 2}))
    response = client.get(reverse("cities:detail", args=["vantaa"]))
    reports = {r.benchmark.code: r for r in response.context["reports"]}
    gaps = {row.factor.code: row for row in reports["A"].gaps}
    assert set(gaps) == {"A1", "A3"}
    for code, row in gaps.items():
        assert row.suggestions, code
        for practice in row.suggestions:
            assert practice.city.slug != "vantaa"
            assert practice.illustrations.filter(factor__code=code).exists()
            assert practice.is_published
    text = response.content.decode()
    assert "Gaps, and practices from other cities" in text
    assert gaps["A1"].suggestions[0].get_absolute_url() in text


def test_the_gap_report_puts_the_same_country_first(client):
    helsinki = City.objects.create(
        name="Testinki", slug="testinki", country_id="FI", latitude=60.2, longitude=24.9
    )
    practice = Practice.objects.create(
        title="Zzz Finnish example",
        slug="zzz-finnish",
        summary="x",
        city=helsinki,
        is_published=True,
    )
    practice.themes.set(Practice.objects.get(slug="stockholm-crossroads").themes.all())
    practice.illustrations.create(factor=Factor.objects.get(code="A1"), note="test")
    client.force_login(make_editor("vantaa"))
    client.post(assess_url(), form_data({"A1": 0}))
    reports = client.get(reverse("cities:detail", args=["vantaa"])).context["reports"]
    row = next(r for r in reports if r.benchmark.code == "A").gaps[0]
    assert row.suggestions[0] == practice


def test_progress_over_time_shows_the_change(client):
    client.force_login(make_editor("vantaa"))
    client.post(assess_url(), form_data({"A1": 1, "A2": 2}, date="2025-01-10"))
    client.post(assess_url(), form_data({"A1": 3, "A2": 1}, date="2026-02-20"))
    response = client.get(reverse("cities:detail", args=["vantaa"]))
    report = next(r for r in response.context["reports"] if r.benchmark.code == "A")
    assert report.current.date.isoformat() == "2026-02-20"
    history = {row.factor.code: [(v, c) for _a, v, c in row.history] for row in report.rows}
    assert history["A1"] == [(1, None), (3, 2)]
    assert history["A2"] == [(2, None), (1, -1)]
    text = response.content.decode()
    assert "up 2" in text and "down 1" in text


def test_the_comparison_matrix_and_its_csv_agree(client, superuser):
    client.force_login(superuser)
    client.post(
        assess_url("vantaa"),
        form_data({"A1": 1, "A2": 2, "A3": 3, "A4": 0}, evidence="=cmd|' /C calc'!A0"),
    )
    client.post(assess_url("riga"), form_data({"A1": 3, "A2": None, "A3": 2, "A4": 1}))
    client.logout()
    params = {"city": ["vantaa", "riga", "cesena", "atlantis"]}
    page = client.get(reverse("benchmarks:compare", args=[THEME_A]), params)
    assert "Ignored city atlantis" in page.content.decode()
    rows = page.context["rows"]
    matrix = {
        row.city.slug: [
            c.get_rating_display() if c and c.rating is not None else "" for c in row.cells
        ]
        for row in rows
    }
    export = client.get(reverse("benchmarks:compare_export", args=[THEME_A]), params)
    body = b"".join(export.streaming_content).decode()
    exported = {r["city_slug"]: r for r in csv.DictReader(io.StringIO(body))}
    assert list(exported) == ["vantaa", "riga", "cesena"]
    for slug, cells in matrix.items():
        assert [exported[slug][f"A{i}_rating"] for i in range(1, 5)] == cells
    assert exported["cesena"]["assessment_date"] == ""
    assert matrix["cesena"] == ["", "", "", ""]
    assert exported["vantaa"]["A1_evidence"].startswith("'=cmd")
    assert export["X-Row-Count"] == "3"


def test_query_counts_are_bounded(client, superuser, django_assert_max_num_queries):
    client.force_login(superuser)
    cities = ["vantaa", "riga", "cesena", "madrid", "malmo"]
    for slug in cities:
        client.post(assess_url(slug), form_data({"A1": 0, "A2": 1, "A3": 0, "A4": 1}))
    client.logout()
    with django_assert_max_num_queries(30):
        client.get(reverse("cities:detail", args=["vantaa"]))
    compare = reverse("benchmarks:compare", args=[THEME_A])
    with django_assert_max_num_queries(10):
        client.get(compare, {"city": cities[:2]})
    with django_assert_max_num_queries(10):
        client.get(compare, {"city": cities})
    # Ratings bring their factor and its benchmark in one join (with_ratings): 6, not 10.
    assessment_url = Assessment.objects.first().get_absolute_url()
    with django_assert_max_num_queries(6):
        client.get(assessment_url)
    client.force_login(superuser)
    with django_assert_max_num_queries(20):
        client.get(assess_url("vantaa"))


def test_an_assessment_requires_a_benchmark_with_factors():
    assert Benchmark.objects.get(slug="values-theme-b").factors.count() == 0


def test_the_comparison_without_assessments_explains_and_leads_to_the_factors(client):
    benchmark = Benchmark.objects.get(slug=THEME_A)
    page = client.get(reverse("benchmarks:compare", args=[THEME_A]))
    text = page.content.decode()
    assert "No city has assessed itself against this benchmark yet" in text
    assert 'type="submit">Compare' not in text
    for factor in benchmark.factors.all():
        assert factor.get_absolute_url() in text
