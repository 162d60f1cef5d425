"""The knowledge base as loaded from fixtures/: complete, consistent and cited."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.validators import EmailValidator
from django.db.models import Count, F
from django.db.models.functions import Lower
from taggit.models import Tag

from benchmarks.models import Benchmark, ContextualFactor, Factor, Illustration
from cities.models import City, Contact, Membership, Network, Organisation
from practices.models import Practice
from sources.models import Citation, SourceDocument

pytestmark = pytest.mark.django_db

SOURCES = {
    "cfai-collection",
    "cfai-presentation-2013",
    "mechelen-2024",
    "local-partnership-extract",
    "values-toolkit-2021",
}

# The Mechelen booklet's 25 contents entries and the record each became.
MECHELEN_CITIES = [
    "amposta",
    "amsterdam",
    "copenhagen",
    "essen",
    "fuenlabrada",
    "girona",
    "glasgow",
    "krakow",
    "malmo",
    "mechelen",
    "rotterdam",
    "samokov",
    "schwabisch-gmund",
    "schifflange",
    "vantaa",
    "vilnius",
]
# "9. Luxembourg" is about the Grand Duchy's national law, so it is the ministry's
# record (a DECISION in fixtures/002_mechelen_2024.toml).
MECHELEN_ORGANISATIONS = [
    "luxembourg-ministry-of-family-affairs",
    "agentschap-integratie-en-inburgering",
    "assembly-of-european-regions",
    "council-of-europe",
    "eurocities",
    "duo-for-a-job",
    "hannah-arendt-institute",
    "iom",
    "zfti",
]


def cited_in(obj, key):
    return obj.citations.filter(document__key=key).exists()


def test_all_five_source_documents_are_there():
    assert set(SourceDocument.objects.values_list("key", flat=True)) == SOURCES


def test_every_practice_has_a_theme_a_source_and_a_place():
    practices = Practice.objects.annotate(
        n_themes=Count("themes", distinct=True), n_sources=Count("citations", distinct=True)
    )
    assert practices.count() >= 120
    assert not practices.filter(n_themes=0).exists()
    assert not practices.filter(n_sources=0).exists()
    assert not practices.filter(city__isnull=True, lead_organisation__isnull=True).exists()


@pytest.mark.parametrize("model", [City, Organisation, Contact, Membership, Network])
def test_every_record_cites_a_source(model):
    uncited = [str(o) for o in model.objects.annotate(n=Count("citations")).filter(n=0)]
    assert uncited == []


def test_every_citation_points_to_a_known_document():
    assert set(Citation.objects.values_list("document__key", flat=True)) <= SOURCES
    assert not Citation.objects.filter(section="").exists()


def test_no_two_cities_share_a_name_and_country():
    doubles = (
        City.objects.values(lower=Lower("name"), country_code=F("country"))
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert list(doubles) == []


def test_every_email_is_valid():
    validate = EmailValidator()
    emails = list(Contact.objects.exclude(email="").values_list("email", flat=True))
    assert len(emails) >= 35
    for email in emails:
        try:
            validate(email)
        except ValidationError:
            pytest.fail(f"invalid e-mail {email!r}")


def test_every_city_has_coordinates():
    assert not City.objects.filter(latitude__isnull=True).exists()
    assert not City.objects.filter(longitude__isnull=True).exists()


@pytest.mark.parametrize("slug", MECHELEN_CITIES)
def test_each_mechelen_city_entry_has_a_practice_or_a_profile(slug):
    city = City.objects.get(slug=slug)
    assert cited_in(city, "mechelen-2024")
    assert city.practices.exists() or city.profile.strip()


@pytest.mark.parametrize("slug", MECHELEN_ORGANISATIONS)
def test_each_mechelen_organisation_entry_has_a_practice_or_a_description(slug):
    organisation = Organisation.objects.get(slug=slug)
    assert cited_in(organisation, "mechelen-2024")
    assert (
        organisation.led_practices.exists()
        or organisation.partner_practices.exists()
        or organisation.description.strip()
    )


def test_the_mechelen_entries_are_all_present():
    assert len(MECHELEN_CITIES) + len(MECHELEN_ORGANISATIONS) == 25
    sections = set(
        Citation.objects.filter(document__key="mechelen-2024").values_list("section", flat=True)
    )
    assert len({s.split(".")[0] for s in sections if s[:1].isdigit()}) == 17


@pytest.mark.parametrize(
    ("key", "email", "practice"),
    [
        ("arto-moksunen", "arto.moksunen@stadsmissionen.se", "stockholm-crossroads"),
        ("irina-vasiljeva", "irina.vasiljeva@riga.lv", None),
        ("hannele-lautiola", "Hannele.lautiola@vantaa.fi", None),
    ],
)
def test_named_contacts_are_there_as_printed(key, email, practice):
    contact = Contact.objects.get(key=key)
    assert contact.email == email
    assert contact.is_public
    if practice:
        assert contact.practices.filter(slug=practice).exists()


def test_the_cesena_contact_keeps_its_underscores():
    assert Contact.objects.filter(email="est_burioli_s@comune.cesena.fc.it").exists()


def test_figures_carry_over_as_printed():
    crossroads = Practice.objects.get(slug="stockholm-crossroads")
    assert "300 course-attendances per month" in crossroads.results
    assert "230" in crossroads.results
    assert "15 700 Ukrainians" in City.objects.get(slug="vilnius").profile
    assert City.objects.get(slug="glasgow").population == 635000
    mechelen = City.objects.get(slug="mechelen")
    assert (mechelen.population, mechelen.population_year) == (87000, 2024)
    assert Practice.objects.filter(
        city__slug="malmo", results__contains="from about 17% (2020-2021) to 30% (2022-2023)"
    ).exists()


def test_both_cities_for_active_inclusion_member_lists_are_recorded():
    network = Network.objects.get(slug="cities-for-active-inclusion")
    stockholm = Membership.objects.get(network=network, city__slug="stockholm")
    assert cited_in(stockholm, "cfai-collection")
    assert cited_in(stockholm, "cfai-presentation-2013")
    barcelona = Membership.objects.get(network=network, city__slug="barcelona")
    assert cited_in(barcelona, "cfai-presentation-2013")
    assert not cited_in(barcelona, "cfai-collection")
    assert network.memberships.filter(city__isnull=False).count() >= 10


def test_values_partners_and_charter_signatories_are_recorded():
    partners = Membership.objects.filter(network__slug="values-project", city__isnull=False)
    assert partners.count() == 16
    assert Membership.objects.filter(
        network__slug="integrating-cities-charter", city__slug="cesena", since=2020
    ).exists()


def test_the_partnership_extract_has_its_two_practices():
    cited = Practice.objects.filter(citations__document__key="local-partnership-extract")
    assert set(cited.values_list("city__slug", flat=True)) == {"gothenburg", "cinisello-balsamo"}


def test_the_values_benchmark_is_complete():
    common = Benchmark.objects.get(code="common")
    theme_a = Benchmark.objects.get(code="A")
    assert sorted(common.factors.values_list("code", flat=True)) == ["C1", "C2", "C3"]
    assert sorted(theme_a.factors.values_list("code", flat=True)) == ["A1", "A2", "A3", "A4"]
    assert theme_a.standard
    for factor in Factor.objects.all():
        assert factor.statement and factor.rationale, factor.code
        assert factor.questions.count() >= 2, factor.code
    for code in ("B", "C", "D"):
        assert not Benchmark.objects.get(code=code).factors.exists()
    assert ContextualFactor.objects.count() >= 5
    assert all(c.example_list for c in ContextualFactor.objects.all())


@pytest.mark.parametrize("city", ["cesena", "madrid", "riga", "vantaa"])
def test_each_case_study_city_illustrates_a_factor_with_a_note(city):
    illustrations = Illustration.objects.filter(practice__city__slug=city)
    assert illustrations.exists()
    assert all(i.note.strip() for i in illustrations)


def test_reloading_the_real_fixtures_changes_nothing():
    before = (
        Practice.objects.count(),
        City.objects.count(),
        Organisation.objects.count(),
        Contact.objects.count(),
        Citation.objects.count(),
        Illustration.objects.count(),
    )
    call_command("load_knowledge_base", verbosity=0)
    call_command("load_knowledge_base", verbosity=0)
    after = (
        Practice.objects.count(),
        City.objects.count(),
        Organisation.objects.count(),
        Contact.objects.count(),
        Citation.objects.count(),
        Illustration.objects.count(),
    )
    assert after == before


def test_every_practice_is_reachable_from_its_city_and_organisation(client):
    practice = Practice.objects.filter(city__isnull=False, lead_organisation__isnull=False).first()
    assert (
        practice.get_absolute_url() in client.get(practice.city.get_absolute_url()).content.decode()
    )
    organisation_page = client.get(practice.lead_organisation.get_absolute_url()).content.decode()
    assert practice.get_absolute_url() in organisation_page


# ----- what the audit against the booklets corrected -------------------------------------

PUBLICATIONS_AND_TOOLS = [
    "agentschap-integratie-en-inburgering-openblik",
    "council-of-europe-bookmarks-manual",
    "council-of-europe-combating-hate-speech",
    "council-of-europe-communication-strategies-toolbox",
    "council-of-europe-guide-hate-speech-media-moldova",
    "council-of-europe-hate-speech-calculator",
    "council-of-europe-human-rights-narrative-builder",
    "council-of-europe-icc-thematic-files-and-good-practices-database",
    "council-of-europe-intercultural-citizenship-test",
    "council-of-europe-online-trainings-for-intercultural-cities",
    "council-of-europe-recommendation-on-combating-hate-speech",
    "council-of-europe-study-hate-speech-in-times-of-crisis",
    "council-of-europe-wecan-manual",
    "eurocities-ukrainian-refugees-in-cities",
    "hannah-arendt-institute-proprofile",
    "iom-local-migration-governance-indicators",
    "iom-migration-governance-indicators",
    "krakow-guide-for-foreigners",
    "vantaa-lango-app",
]
NETWORK_STATEMENTS = [
    "eurocities-a-better-europe-starts-in-cities",
    "eurocities-a-better-inclusion-of-migrants-starts-in-cities",
    "eurocities-caring-cities-statement",
    "eurocities-social-affairs-statement-2024",
]


def test_publications_tools_and_statements_are_not_initiatives():
    assert len(PUBLICATIONS_AND_TOOLS) == 19
    kinds = dict(Practice.objects.values_list("slug", "kind"))
    assert {kinds[slug] for slug in PUBLICATIONS_AND_TOOLS} == {"publication"}
    assert {kinds[slug] for slug in NETWORK_STATEMENTS} == {"statement"}
    listed = set(PUBLICATIONS_AND_TOOLS) | set(NETWORK_STATEMENTS)
    assert {slug for slug, kind in kinds.items() if kind in ("publication", "statement")} == listed


def test_eurocities_is_one_record_with_dated_figures():
    assert not Network.objects.filter(slug="eurocities-network").exists()
    eurocities = Organisation.objects.get(slug="eurocities")
    assert "more than 130" in eurocities.description and "2013" in eurocities.description
    assert "over 200" in eurocities.description and "2024" in eurocities.description
    assert eurocities.city.slug == "brussels"
    group = Network.objects.get(slug="eurocities-working-group-migration-and-integration")
    assert group.memberships.filter(city__isnull=False).count() == 9


def test_the_network_says_which_document_lists_whom_and_what_it_found():
    network = Network.objects.get(slug="cities-for-active-inclusion")
    assert network.memberships.filter(city__isnull=False).count() == 10
    assert "Barcelona instead of Krakow" in network.description
    assert "budget cuts" in network.description and "SROI" in network.description
    assert cited_in(network, "cfai-presentation-2013")


def test_the_corrections_of_the_audit_are_in_the_records():
    volunteer_award = Practice.objects.get(slug="riga-volunteer-of-the-year")
    assert volunteer_award.lead_organisation is None
    assert volunteer_award.partners.filter(slug="state-employment-agency-latvia").exists()
    assert "Latvian state" in volunteer_award.summary
    assert (
        Practice.objects.get(slug="coventry-employability-english-volunteer-placements").start_year
        is None
    )
    committees = Practice.objects.get(
        slug="luxembourg-municipal-committees-on-intercultural-living-together"
    )
    assert (
        "now sit" not in committees.how_it_works and "were to be elected" in committees.how_it_works
    )
    assert "dispersal policy began in 2000" in City.objects.get(slug="glasgow").profile
    assert Organisation.objects.get(slug="municipality-of-krakow").website == ""
    assert not Practice.objects.get(
        slug="luxembourg-law-on-intercultural-living-together"
    ).funding_sources.exists()
    assert "hosted" not in City.objects.get(slug="barcelona").profile
    tags = set(
        Tag.objects.filter(taggit_taggeditem_items__isnull=False).values_list("name", flat=True)
    )
    assert not tags & {"anonymous-application", "public-sector-equality-duty"}


def test_cities_stay_only_where_a_cited_section_names_them():
    assert not City.objects.filter(slug__in=["strasbourg", "geneva"]).exists()
    brussels = City.objects.get(slug="brussels")
    assert list(brussels.citations.values_list("document__key", "section")) == [
        ("values-toolkit-2021", "Imprint")
    ]


def test_what_was_missing_is_there():
    for slug in ("red-de-ciudades-interculturales", "red-antirumores-de-euskadi"):
        assert Network.objects.get(slug=slug).memberships.filter(city__slug="bilbao").exists()
    values = Network.objects.get(slug="values-project").description
    assert "12 months" in values and "international protection" in values


@pytest.mark.parametrize(
    ("slug", "theme"),
    [
        ("utrecht-plan-einstein", "volunteering"),
        ("stockholm-vida", "volunteering"),
        ("stockholm-vida", "employment-skills"),
        ("munich-bellevue-di-monaco", "employment-skills"),
        ("riga-shelter-safe-house-information-centre", "employment-skills"),
        ("riga-trepes", "language-learning"),
        ("vilnius-minority-cultural-projects", "roma-inclusion"),
    ],
)
def test_classification_gaps_are_closed(slug, theme):
    assert Practice.objects.get(slug=slug).themes.filter(slug=theme).exists()


def test_openblik_is_not_filed_under_anti_rumour():
    openblik = Practice.objects.get(slug="agentschap-integratie-en-inburgering-openblik")
    assert not openblik.themes.filter(slug="anti-rumour").exists()
