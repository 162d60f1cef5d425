"""The facet index: counts equal to counting each facet from its own tables, kept
exact by every kind of write, cached per content version, and never stale."""

from collections import Counter

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.http import QueryDict
from django.urls import reverse

from benchmarks.models import Factor, Illustration
from cities.models import City, Contact, Country, Membership, Organisation
from practices import browse as browse_module
from practices import facet_bitmaps, facet_index
from practices.browse import Browse
from practices.models import FacetKey, FacetValue, Practice, Theme
from tests import factories
from tests.admin_forms import edit_in_admin


def practice_values(practice):
    """What one practice is counted under, read from its own fields and links: an
    implementation independent of the facet index, as the browser counted before it."""
    city = practice.city
    lead = practice.lead_organisation
    public = [c for c in practice.contacts.all() if c.is_public]
    return {
        "kind": {practice.kind},
        "status": {practice.status},
        "theme": {t.slug for t in practice.themes.all()},
        "target_group": {t.slug for t in practice.target_groups.all()},
        "funding": {f.slug for f in practice.funding_sources.all()},
        # A practice without a city is placed by its own country (a national law).
        "country": {city.country_id} if city else ({practice.country_id} - {None}),
        "city": {city.slug} if city else set(),
        "network": {m.network.slug for m in city.memberships.all()} if city else set(),
        "org_kind": {lead.kind} if lead else set(),
        "organisation": ({lead.slug} if lead else set())
        | {o.slug for o in practice.partners.all()},
        "tag": {t.slug for t in practice.tags.all()},
        "contact": {"yes" if public else "no"},
        "factor": {i.factor.code for i in practice.illustrations.all()},
    }


def expected_counts(browse, name):
    practices = (
        browse.filterset.excluding(name)
        .prefetch_related(
            "themes",
            "target_groups",
            "funding_sources",
            "partners",
            "tags",
            "contacts",
            "city__memberships__network",
            "illustrations__factor",
        )
        .select_related("city", "lead_organisation")
    )
    counts = Counter()
    for practice in practices:
        counts.update(practice_values(practice)[name])
    return dict(counts)


def counted(browse):
    return {
        facet.name: {v.value: v.count for v in facet.values if v.count} for facet in browse.facets()
    }


def combinations():
    theme = "volunteering"
    return [
        "",
        f"theme={theme}",
        "theme=employment-skills&theme=education-language",
        "country=DE",
        f"country=DE&theme={theme}",
        "country=IT&country=ES",
        "city=vantaa",
        "kind=publication",
        "kind=initiative&kind=publication&kind=statement&kind=strategy",
        "status=ongoing",
        "status=ended&theme=employment-skills",
        "org_kind=ngo",
        "organisation=eurocities",
        "network=eurocities",
        "network=eurocities&country=FI",
        "tag=volunteering",
        "contact=yes",
        "contact=no&country=BE",
        "factor=A",
        "q=volunteer",
        "q=language&theme=education-language",
        "q=refugee&country=DE&status=ongoing",
        "year_from=2018",
        "year_from=2015&year_to=2020&theme=volunteering",
        "target_group=refugees",
        "funding=eu-funds",
        "theme=unknown-theme",
        "q=women&kind=initiative",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("query", combinations())
def test_every_facet_counts_as_its_own_tables_say(query, superuser):
    for user in (AnonymousUser(), superuser):
        browse = Browse(QueryDict(query), user)
        found = counted(browse)
        for name, values in found.items():
            assert values == expected_counts(browse, name), (query, user, name)
        kinds = set(browse.filterset.value("kind"))
        assert browse.count() == browse.filterset.qs.count(), (query, kinds)


@pytest.mark.django_db
@pytest.mark.parametrize("query", [q for q in combinations() if "q=" in q or "year_" in q])
def test_a_search_looked_for_among_the_facets_candidates_counts_the_same(query, monkeypatch):
    # Any share: the search's ids are always read among the candidates the facets leave.
    monkeypatch.setattr(facet_bitmaps, "CANDIDATES_SHARE", 1.0)
    looked_among = []
    real_among, real_found_by = facet_bitmaps.among, browse_module.found_by
    monkeypatch.setattr(
        facet_bitmaps, "among", lambda *args: looked_among.append(1) or real_among(*args)
    )

    def found_by(practices, query, candidates=None, sort=""):
        # SQLite reads a search's ids from its FTS5 index, then keeps the candidates'.
        if candidates is not None:
            looked_among.append(1)
        return real_found_by(practices, query, candidates, sort)

    monkeypatch.setattr(browse_module, "found_by", found_by)
    browse = Browse(QueryDict(query), AnonymousUser())
    for name, values in counted(browse).items():
        assert values == expected_counts(browse, name), (query, name)
    assert browse.count() == browse.filterset.qs.count()
    bitmapped = {spec.param for spec in facet_index.counted_facets()}
    if len(bitmapped & set(browse.filterset.active())) > 1:  # the kind's default and one more
        assert looked_among, "a search with a facet looks among the facets' candidates"


@pytest.mark.django_db
def test_counts_hold_on_a_synthetic_set_too():
    call_command("seed_synthetic", practices=300, assessments=0)
    for query in ("", "theme=volunteering", "q=language&country=DE", "kind=strategy&status=ended"):
        browse = Browse(QueryDict(query), AnonymousUser())
        for name, values in counted(browse).items():
            assert values == expected_counts(browse, name), (query, name)


def index_state():
    """Keys and each value's bitmaps (as sorted id lists), comparable."""
    keys = sorted(FacetKey.objects.values_list("practice_id", "facet", "value__ref", "published"))
    bitmaps = {
        (facet, ref): (sorted(facet_bitmaps.from_blob(p)), sorted(facet_bitmaps.from_blob(d)))
        for facet, ref, p, d in FacetValue.objects.values_list(
            "facet", "ref", "members", "draft_members"
        )
    }
    return keys, {k: v for k, v in bitmaps.items() if v != ([], [])}


@pytest.mark.django_db
def test_writes_of_every_kind_keep_the_index_as_a_rebuild_would_make_it():
    practice = Practice.objects.filter(city__isnull=False, lead_organisation__isnull=False).first()
    practice.kind = "publication"
    practice.is_published = not practice.is_published
    practice.save()
    practice.themes.add(Theme.objects.exclude(practices=practice).first())
    practice.tags.add("index-test-tag")
    practice.partners.add(Organisation.objects.exclude(pk=practice.lead_organisation_id).first())
    contact = Contact.objects.filter(practices__isnull=False).first()
    contact.is_public = not contact.is_public
    contact.save()
    city = City.objects.filter(practices__isnull=False).first()
    city.country = Country.objects.exclude(code=city.country_id).first()
    city.save()
    national = Practice.objects.filter(city__isnull=True).first()
    national.country = Country.objects.exclude(code=national.country_id or "").first()
    national.save()
    Membership.objects.filter(city__isnull=False).first().delete()
    lead = practice.lead_organisation
    lead.kind = "ngo" if lead.kind != "ngo" else "public"
    lead.save()
    Illustration.objects.create(
        practice=Practice.objects.exclude(illustrations__isnull=False).first(),
        factor=Factor.objects.first(),
    )
    Theme.objects.filter(practices__isnull=False).last().delete()
    Practice.objects.filter(city__slug="vantaa").first().delete()
    factories.practice(slug="index-test-new", tags=["fresh"])

    after_writes = index_state()
    facet_index.rebuild()
    assert after_writes == index_state()


@pytest.mark.django_db
def test_a_clear_from_the_other_side_keeps_the_index_as_a_rebuild_would_make_it():
    # theme.practices.clear() names no practices in its signal: they are read before.
    theme = Theme.objects.filter(practices__isnull=False).first()
    before = index_state()
    theme.practices.clear()
    after_the_clear = index_state()
    assert after_the_clear != before
    facet_index.rebuild()
    assert after_the_clear == index_state()


@pytest.mark.django_db
def test_each_value_bitmap_holds_exactly_the_practices_its_keys_name():
    practice = Practice.objects.filter(is_published=True).first()
    practice.is_published = False
    practice.save()
    _keys, bitmaps = index_state()
    expected = {}
    for practice_id, facet, ref, published in FacetKey.objects.values_list(
        "practice_id", "facet", "value__ref", "published"
    ):
        expected.setdefault((facet, ref), ([], []))[0 if published else 1].append(practice_id)
    assert bitmaps == {k: (sorted(p), sorted(d)) for k, (p, d) in expected.items()}
    assert practice.pk in bitmaps[("kind", practice.kind)][1]
    assert practice.pk not in bitmaps[("kind", practice.kind)][0]


@pytest.mark.django_db
def test_a_cached_count_changes_right_after_an_admin_edit(client, superuser):
    practice = Practice.objects.published().filter(themes__slug="volunteering").first()
    url = reverse("practices:list")
    before = client.get(url, {"theme": "volunteering"}).context["page"].paginator.count
    response = edit_in_admin(client, superuser, practice, _to_draft="Back to draft")
    assert response.status_code == 302
    after = client.get(url, {"theme": "volunteering"}).context["page"].paginator.count
    assert after == before - 1


@pytest.mark.django_db
def test_a_cached_count_changes_right_after_a_tag_change(client):
    url = reverse("practices:list")

    def tagged():
        facets = {f.name: f for f in client.get(url).context["facets"]}
        return {v.value: v.count for v in facets["tag"].values}.get("index-tag-test", 0)

    assert tagged() == 0
    Practice.objects.published().of_browser_kinds().first().tags.add("index-tag-test")
    assert tagged() == 1


@pytest.mark.django_db
def test_a_cached_count_changes_right_after_a_reload(client):
    url = reverse("practices:list")
    practice = Practice.objects.published().of_browser_kinds().filter(status="ongoing").first()
    before = client.get(url, {"status": "ongoing"}).context["page"].paginator.count
    practice.status = "ended"
    practice.save()
    assert client.get(url, {"status": "ongoing"}).context["page"].paginator.count == before - 1
    # The fixtures say "ongoing": a reload that overwrites curated edits puts it back.
    call_command("load_knowledge_base", overwrite_curated=True, verbosity=0)
    assert client.get(url, {"status": "ongoing"}).context["page"].paginator.count == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, args",
    [
        ("practices:list", []),
        ("practices:export", []),
        ("practices:detail", ["vantaa-skills-centre"]),
    ],
)
def test_a_client_that_has_this_version_gets_304(client, name, args):
    url = reverse(name, args=args)
    first = client.get(url, {"theme": "volunteering"} if not args else {})
    assert first.status_code == 200
    etag = first["ETag"]
    again = client.get(url, {"theme": "volunteering"} if not args else {}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert not again.content
    # Any write moves the version on: the old ETag no longer matches.
    factories.practice(slug="etag-moves-on")
    after = client.get(url, {"theme": "volunteering"} if not args else {}, HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200
    assert after["ETag"] != etag
    # Browsers must ask again each time (and get the 304): a page kept by heuristic
    # freshness would hide the write above from the visitor.
    assert "no-cache" in after["Cache-Control"]


@pytest.mark.django_db
def test_signed_in_curators_get_no_etag(client, superuser):
    client.force_login(superuser)
    assert not client.get(reverse("practices:list")).has_header("ETag")


@pytest.mark.django_db
def test_rebuilding_the_index_changes_no_count(capsys):
    before = index_state()
    call_command("rebuild_facet_index")
    assert index_state() == before
    assert f"{FacetKey.objects.count()} keys" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_database_whose_keys_predate_the_bitmaps_gets_them_after_migrate():
    before = index_state()
    FacetValue.objects.update(members=b"", draft_members=b"")
    assert index_state()[1] == {}
    facet_index.ensure_facet_index()
    assert index_state() == before
