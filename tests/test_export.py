"""CSV/JSON exports: the browser's exact list, safe in spreadsheets, streamed."""

import csv
import io
import json
import re
import tracemalloc

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils.http import urlencode

from cities.models import City, Contact
from portal.export import BATCH_ROWS, _copied, csv_cell, export_rows
from practices import list_cells
from practices.exports import PRACTICE_COLUMNS
from practices.models import ListCells, Practice, Theme
from practices.search_documents import store_search_vectors
from practices.views import practice_export

from . import factories
from .expectations import expected_slugs
from .test_browse import all_result_slugs

pytestmark = pytest.mark.django_db
EXPORT = reverse("practices:export")


def read(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    return body


def rows(response):
    body = read(response)
    return list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))


# A dozen combinations of every facet the old random test drew from (themes, countries,
# statuses, search words, the four orders), each with results to compare.
FILTER_CASES = [
    {},
    {"sort": "city"},
    {"theme": ["volunteering"]},
    {"theme": ["employment-skills", "education-youth"], "sort": "newest"},
    {"country": ["SE"], "sort": "city"},
    {"country": ["DE", "ES"], "status": ["ongoing"]},
    {"status": ["ended", "unknown"], "sort": "newest"},
    {"q": "migrants"},
    {"q": "city", "theme": ["social-cohesion"], "sort": "title"},
    {"q": "youth", "country": ["NL", "BE", "FI"], "sort": "city"},
    {"q": "Malmö", "sort": "newest"},
    {"kind": ["publication", "statement"], "sort": "title"},
    {"q": "women work", "sort": "relevance"},
    {
        "theme": ["roma-inclusion", "welcome-reception", "language-learning"],
        "status": ["ongoing", "unknown"],
        "sort": "city",
    },
    {"sort": "relevance", "theme": ["anti-discrimination"], "country": ["IT", "LU", "SE"]},
]


@pytest.mark.parametrize("query", FILTER_CASES, ids=lambda q: urlencode(q, doseq=True) or "all")
def test_the_export_and_the_browser_list_what_the_filters_select(client, query):
    expected, order_known = expected_slugs(query)
    assert expected, "a case that selects nothing proves little"
    exported = [row["slug"] for row in rows(client.get(EXPORT, query))]
    listed = all_result_slugs(client, query)
    # The export is the browser's exact list, across all its pages, in its order.
    assert exported == listed
    if order_known:
        assert exported == expected
    else:  # PostgreSQL's relevance rank: the same practices, in the rank's order.
        assert sorted(exported) == sorted(expected)


def test_the_export_holds_the_kinds_the_browser_shows(client):
    default = rows(client.get(EXPORT))
    kinds = {row["kind"] for row in default}
    assert kinds == {"initiative", "strategy"}
    assert len(default) == Practice.objects.published().of_browser_kinds().count()
    response = client.get(EXPORT, {"kind": ["publication", "statement"]})
    asked = rows(response)
    assert {row["kind"] for row in asked} == {"publication", "statement"}
    assert (
        len(asked)
        == Practice.objects.published().filter(kind__in=["publication", "statement"]).count()
    )
    assert response["X-Filters"] == "kind=publication&kind=statement"
    assert "council-of-europe-bookmarks-manual" in {row["slug"] for row in asked}


def test_it_has_a_header_row_and_documented_columns(client):
    response = client.get(EXPORT, {"theme": "volunteering"})
    data = rows(response)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert list(data[0])[:4] == ["id", "slug", "url", "title"]
    readme = (__import__("pathlib").Path(__file__).parent.parent / "README.md").read_text()
    for column in data[0]:
        assert f"`{column}`" in readme, column


def test_cells_are_typed_sensibly(client):
    practice = Practice.objects.get(slug="stockholm-crossroads")
    row = next(r for r in rows(client.get(EXPORT)) if r["slug"] == practice.slug)
    assert row["url"] == f"http://testserver{practice.get_absolute_url()}"
    assert row["city_slug"] == "stockholm"
    assert row["end_year"] == ("" if practice.end_year is None else str(practice.end_year))
    assert "None" not in row.values()
    assert row["themes"] == "; ".join(t.name for t in practice.themes.all())
    assert "Collection of innovative city practices" in row["source"]


def test_years_are_numbers_and_unknowns_are_empty(client):
    factories.practice(slug="years-test", start_year=2015, end_year=None)
    row = next(
        r for r in rows(client.get(EXPORT, {"q": "test practice"})) if r["slug"] == "years-test"
    )
    assert row["start_year"] == "2015"
    assert row["end_year"] == ""


def test_headers_carry_provenance_and_a_row_count_that_matches(client):
    response = client.get(EXPORT, {"country": "SE", "theme": ["volunteering", "nonsense"]})
    assert re.fullmatch(
        r'attachment; filename="practices-\d{4}-\d{2}-\d{2}\.csv"', response["Content-Disposition"]
    )
    data = rows(response)
    assert int(response["X-Row-Count"]) == len(data) > 0
    # The default kinds are in force too, so the provenance says so.
    assert response["X-Filters"] == "theme=volunteering&country=SE&kind=initiative&kind=strategy"
    assert response["X-Portal-Version"]


def test_an_export_that_matches_nothing_is_just_the_header(client):
    response = client.get(EXPORT, {"theme": "roma-inclusion", "country": "FI"})
    body = read(response)
    assert body.count("\r\n") == 1
    assert body.startswith("id,slug,url,title")
    assert response["X-Row-Count"] == "0"


@pytest.mark.parametrize(
    "query",
    [
        {"page": "x"},
        {"q": "y" * 10_000},
        {"year_from": "soon"},
        {"theme": ["\x00", "a" * 500]},
        {"format": "xml"},
    ],
)
def test_bad_parameters_get_the_browsers_handling(client, query):
    response = client.get(EXPORT, query)
    assert response.status_code == 200
    read(response)


def test_accents_survive_with_and_without_a_bom(client):
    city = City.objects.create(
        name="Schwäbisch Gmünd Süd", slug="sgs", country_id="DE", latitude=48.8, longitude=9.8
    )
    factories.practice(slug="krakow-like", title="Kraków, Malmö and Gmünd meet", city=city)
    for bom in ("0", "1"):
        response = client.get(EXPORT, {"q": "gmund meet", "bom": bom})
        raw = b"".join(response.streaming_content)
        assert raw.startswith(b"\xef\xbb\xbf") == (bom == "1")
        text = raw.decode("utf-8-sig")
        row = next(csv.DictReader(io.StringIO(text)))
        assert row["title"] == "Kraków, Malmö and Gmünd meet"
        assert row["city"] == "Schwäbisch Gmünd Süd"


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("title", '=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("summary", "+1 more participants", "'+1 more participants"),
        ("summary", "@SUM(1)", "'@SUM(1)"),
        ("summary", "-2+3", "'-2+3"),
        ("summary", "\tTabbed", "'\tTabbed"),
        ("summary", "Plain text, with = inside", "Plain text, with = inside"),
    ],
)
def test_formula_cells_are_neutralised(client, field, value, expected):
    factories.practice(slug="injection", **{field: value, "results": "Injected row"})
    row = next(r for r in rows(client.get(EXPORT)) if r["slug"] == "injection")
    assert row[field] == expected


def test_list_cells_are_joined_and_neutralised_by_the_database(client):
    # The CSV's list cells are made in SQL: joined by "; " in name order, the whole cell
    # neutralised by its first character (as csv_cell joins, then neutralises), and an
    # empty value kept in place so that parallel columns still line up.
    practice = factories.practice(slug="listed", tags=["=1+1", "beta"])
    # Ben is written first: the cell's order is the names', not the rows'.
    ben = factories.contact(name="Ben", role="-lead")
    practice.contacts.add(ben, factories.contact(name="Ana", role=""))
    practice.contacts.add(factories.contact(name="Cy", role="+x", is_public=False))
    row = next(r for r in rows(client.get(EXPORT)) if r["slug"] == "listed")
    assert row["tags"] == "'=1+1; beta"
    assert row["contact_names"] == "Ana; Ben"
    assert row["contact_roles"] == "; -lead"
    assert row["contact_emails"] == "; "
    data = json.loads(read(client.get(EXPORT, {"format": "json"})))
    record = next(r for r in data if r["slug"] == "listed")
    assert record["tags"] == ["=1+1", "beta"]
    assert record["contact_roles"] == ["", "-lead"]
    assert record["published"] is True


def test_every_line_is_what_pythons_csv_module_writes(client):
    # PostgreSQL's COPY writes each line (portal/export.py); the bytes must be the csv
    # module's, quoting and line ends included, for cells with commas, quotes and line
    # breaks, a lone quote, a closing carriage return and an empty text (COPY's own CSV
    # quotes that one, to tell it from NULL).
    factories.practice(
        slug="awkward-cells",
        title='Help, "quickly"',
        summary='First line,\nsecond line\r\nthird "quoted" line',
        results='"',
        funding="x\r",
        beneficiaries="",
    )
    body = read(client.get(EXPORT))
    parsed = list(csv.reader(io.StringIO(body, newline="")))
    written = io.StringIO()
    csv.writer(written, lineterminator="\r\n").writerows(parsed)
    assert body == written.getvalue()
    row = next(r for r in rows(client.get(EXPORT)) if r["slug"] == "awkward-cells")
    assert (row["title"], row["summary"]) == (
        'Help, "quickly"',
        'First line,\nsecond line\r\nthird "quoted" line',
    )
    assert (row["results"], row["funding"], row["beneficiaries"]) == ('"', "x\r", "")


def test_a_list_led_by_a_formula_is_neutralised_as_a_whole(client):
    practice = factories.practice(slug="led-by-formula")
    practice.contacts.add(factories.contact(name="@admin", role="-lead"))
    row = next(r for r in rows(client.get(EXPORT)) if r["slug"] == "led-by-formula")
    assert (row["contact_names"], row["contact_roles"]) == ("'@admin", "'-lead")
    assert row["published"] == "true"
    assert row["url"] == "http://testserver/practices/led-by-formula/"


def test_json_has_the_same_rows(client):
    query = {"theme": "employment-skills"}
    csv_slugs = [r["slug"] for r in rows(client.get(EXPORT, query))]
    data = json.loads(read(client.get(EXPORT, {**query, "format": "json"})))
    assert [r["slug"] for r in data] == csv_slugs
    assert isinstance(data[0]["theme_slugs"], list)


def test_drafts_never_reach_anonymous_users(client, superuser):
    draft = factories.practice(slug="draft-export", is_published=False)
    assert draft.slug not in [r["slug"] for r in rows(client.get(EXPORT))]
    client.force_login(superuser)
    assert draft.slug in [r["slug"] for r in rows(client.get(EXPORT))]


def test_staff_export_a_selection_from_the_admin_with_drafts(client, superuser):
    draft = factories.practice(slug="draft-admin-export", is_published=False)
    other = Practice.objects.get(slug="stockholm-crossroads")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:practices_practice_changelist"),
        {"action": "export_csv", "_selected_action": [draft.pk, other.pk]},
    )
    data = rows(response)
    assert sorted(r["slug"] for r in data) == sorted([draft.slug, other.slug])
    assert {r["slug"]: r["published"] for r in data}[draft.slug] == "false"


def test_the_contacts_export_holds_public_contacts_only(client):
    hidden = factories.contact(name="Hidden Person", email="hidden@example.eu", is_public=False)
    shown = factories.contact(name="Shown Person", email="shown@example.eu")
    data = rows(client.get(reverse("cities:contacts_export")))
    keys = {r["key"] for r in data}
    assert shown.key in keys
    assert hidden.key not in keys
    assert len(data) == Contact.objects.public().count()
    assert "hidden@example.eu" not in read(client.get(reverse("cities:contacts_export")))


def test_city_and_organisation_exports_follow_their_filters(client):
    cities = rows(client.get(reverse("cities:export"), {"name": "mal"}))
    assert [r["slug"] for r in cities] == list(
        City.objects.filter(name__icontains="mal")
        .order_by("country__name", "name")
        .values_list("slug", flat=True)
    )
    organisations = rows(
        client.get(reverse("cities:organisations_export"), {"kind": "international"})
    )
    assert organisations and {r["kind"] for r in organisations} == {"international"}


def test_every_list_page_links_to_its_export(client):
    for page, export in [
        (
            reverse("practices:list") + "?theme=volunteering",
            "/practices/export.csv?theme=volunteering",
        ),
        (reverse("cities:list") + "?name=ma", "/cities/export.csv?name=ma"),
        (reverse("cities:organisations") + "?kind=ngo", "/organisations/export.csv?kind=ngo"),
    ]:
        text = client.get(page).content.decode()
        assert f'href="{export}"' in text, page
        assert "will be exported" in text


def make_synthetic(n):
    city = factories.city()
    theme = Theme.objects.get(slug="volunteering")
    practices = Practice.objects.bulk_create(
        Practice(
            title=f"Synthetic {i:04}",
            slug=f"synthetic-{i}",
            summary="s",
            city=city,
            is_published=True,
            search_document=f" synthetic {i:04} ",
        )
        for i in range(n)
    )
    Practice.themes.through.objects.bulk_create(
        Practice.themes.through(practice_id=p.pk, theme_id=theme.pk) for p in practices
    )
    store_search_vectors(Practice.objects.filter(slug__startswith="synthetic-"))


def export_peak(client, query):
    tracemalloc.start()
    response = client.get(EXPORT, query)
    count = sum(
        line.count("\r\n") if isinstance(line, str) else line.count(b"\r\n")
        for line in response.streaming_content
    )
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return count, peak


def test_streaming_keeps_queries_and_memory_flat(
    client, django_assert_max_num_queries, monkeypatch
):
    # Batches of 50 instead of 1,000: the property is the same (one batch in memory,
    # one statement for every row), shown on 2,000 rows rather than 40,000.
    monkeypatch.setattr("portal.export.BATCH_ROWS", 50)
    make_synthetic(2_000)
    # One statement reads all 40 batches; the rest is the page's own few queries.
    with django_assert_max_num_queries(8):
        count_all, _peak = export_peak(client, {"q": "synthetic"})
    count_all, peak_all = export_peak(client, {"q": "synthetic"})
    count_some, peak_some = export_peak(client, {"q": "synthetic 00"})  # 0000 .. 0099
    assert count_all == 2_001
    assert count_some == 101
    # Twenty times the rows, about the same memory: both hold one chunk at a time.
    assert peak_all < peak_some * 1.5, (peak_all, peak_some)


def expected_cells(practice, base_url):
    """One practice's export row, read through the models: what the export wrote when
    it built model instances, an implementation apart from the one-statement export."""
    city, lead = practice.city, practice.lead_organisation
    contacts = sorted(practice.public_contact_list, key=lambda c: (c.name, c.pk))
    tags = sorted(practice.tag_list, key=lambda t: (t.name, t.pk))
    cells = [
        practice.pk,
        practice.slug,
        f"{base_url}{practice.slug}/",
        practice.title,
        practice.kind,
        city.name if city else None,
        city.slug if city else None,
        practice.scope,
        practice.effective_country.code if practice.effective_country else None,
        practice.effective_country.name if practice.effective_country else None,
        lead.name if lead else None,
        lead.slug if lead else None,
        [p.slug for p in practice.partner_list],
        [t.name for t in practice.theme_list],
        [t.slug for t in practice.theme_list],
        [t.name for t in practice.target_group_list],
        [f.name for f in practice.funding_source_list],
        [t.name for t in tags],
        [i.factor.code for i in practice.illustration_list],
        [c.name for c in contacts],
        [c.role for c in contacts],
        [c.email for c in contacts],
        practice.start_year,
        practice.end_year,
        practice.status,
        practice.summary,
        practice.results,
        practice.beneficiaries,
        practice.funding,
        [c.label for c in practice.citation_list],
        practice.is_published,
    ]
    return [csv_cell(cell) for cell in cells]


@pytest.mark.django_db
@pytest.mark.parametrize("built_by", ["rebuild", "refresh"])
def test_every_cell_of_the_export_is_what_the_models_say(client, superuser, built_by):
    # The list cells are stored (practices/list_cells.py): made for every practice at
    # once by the loader's rebuild, or for the practices a write touched by refresh
    # (PostgreSQL groups only their link rows then): both, cell for cell.
    if built_by == "refresh":
        ListCells.objects.all().delete()
        list_cells.refresh(Practice.objects.values_list("pk", flat=True))
    from django.test import Client

    staff_client = Client()
    staff_client.force_login(superuser)
    for who in (client, staff_client):
        response = who.get(
            reverse("practices:export"), {"kind": [k for k, _ in Practice.Kind.choices]}
        )
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
        header, rows = rows[0], rows[1:]
        assert header == [c.name for c in PRACTICE_COLUMNS]
        visible = Practice.objects.all() if who is staff_client else Practice.objects.published()
        practices = visible.for_export().order_by("sort_title", "pk")
        base_url = "http://testserver/practices/"
        expected = [[str(c) for c in expected_cells(p, base_url)] for p in practices]
        assert len(rows) == len(expected) > 100
        for got, want in zip(rows, expected, strict=True):
            assert got == want, (
                got[1],
                [h for h, a, b in zip(header, got, want, strict=True) if a != b],
            )


def test_an_abandoned_download_leaves_the_connection_usable(rf, monkeypatch):
    # A researcher who cancels mid-file: the server closes the response while PostgreSQL
    # is still sending rows (its COPY is cancelled) or SQLite still holds a cursor; the
    # worker's next request must find its connection ready. Called as a WSGI server
    # calls the view, not through the test client, which closes the response itself.
    monkeypatch.setattr("portal.export.BATCH_ROWS", 50)
    make_synthetic(1_000)
    request = rf.get(EXPORT, {"q": "synthetic"})
    request.user = AnonymousUser()
    response = practice_export(request)
    stream = iter(response)
    header, first_batch = next(stream), next(stream)
    assert header.startswith(b"id,slug,url,")
    assert first_batch.count(b"\r\n") == 50
    # Without close_old_connections: it would close the test's connection, held in a
    # transaction, not the view's.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    assert Practice.objects.filter(slug__startswith="synthetic-").count() == 1_000
    request = rf.get(EXPORT, {"q": "synthetic 00"})
    request.user = AnonymousUser()
    assert b"".join(practice_export(request)).count(b"\r\n") == 101


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_a_copy_cancelled_inside_a_transaction_leaves_it_usable():
    # The download above may end before PostgreSQL has sent every row, or after: here
    # the rows come slowly (a sleep each), so closing after the first batch must
    # cancel the COPY while it runs. Inside the test's transaction, as inside any
    # caller's, that cancel must not leave the transaction aborted.
    slow = "SELECT g, pg_sleep(0.001) FROM generate_series(1, 5000) AS g"
    lines = _copied("default", slow, [])
    assert next(lines).count(b"\r\n") == BATCH_ROWS
    lines.close()
    assert Practice.objects.exists()


def test_a_csv_export_without_its_stored_lists_says_what_is_missing(rf):
    # A future caller that forgets lists= gets the reason, not a TypeError from inside
    # a column; the JSON export computes its lists itself and needs none.
    request = rf.get(EXPORT)
    request.user = AnonymousUser()
    queryset = Practice.objects.visible_to(request.user)
    with pytest.raises(ImproperlyConfigured, match=r"list columns \(.*themes.*\).*lists="):
        export_rows(request, queryset=queryset, columns=PRACTICE_COLUMNS, name="practices")
    request = rf.get(EXPORT, {"format": "json"})
    request.user = AnonymousUser()
    response = export_rows(request, queryset=queryset, columns=PRACTICE_COLUMNS, name="practices")
    assert len(json.loads(b"".join(response))) == queryset.count() > 0
