"""Export columns of the practice list; README documents them (a test keeps them in step).

Every column is an SQL expression, so the whole export is ONE statement read as plain
tuples (portal.export.export_rows): related names come from ordered subqueries joined
into one string per row (for a CSV on PostgreSQL, one GROUP BY per related table:
portal/export_sql.py), never from model instances or prefetches. Building 12.7 model
instances and 7 prefetches per row held the export to ~4,000 rows/s. Each column's
`cell` says what it holds, and so how the CSV's cell is finished in SQL.
"""

from django.db.models import Case, CharField, F, Q, Value, When
from django.db.models.functions import Coalesce, Concat
from taggit.models import TaggedItem

from cities.models import Contact
from portal.export import BOOL, NUMBER, URL, SqlColumn
from portal.export_sql import Related
from portal.translated import Translated
from sources.models import Citation

from .models import Practice

# Generic relations' rows of practices, named without a query at import time.
PRACTICE_TYPE = {"content_type__app_label": "practices", "content_type__model": "practice"}


BY_NAME = (Translated("name"), "pk")


def _m2m(field, *values, order=BY_NAME):
    """The names (and slugs) of a practice's M2M values, in name order. Names are in the
    request's language (English where untranslated); slugs never change."""
    target = Practice._meta.get_field(field).remote_field.model
    back = Practice._meta.get_field(field).related_query_name()
    return Related(target.objects.all(), back, order, values)


def _tags(value):
    rows = TaggedItem.objects.filter(**PRACTICE_TYPE)
    return Related(rows, "object_id", ("tag__name", "tag__pk"), (f"tag__{value}",))


def _factors():
    # benchmarks' Illustration, reached through the relation: practices sit below
    # benchmarks and do not import it.
    illustrations = Practice._meta.get_field("illustrations").related_model
    return Related(
        illustrations.objects.all(), "practice", ("factor__code", "pk"), ("factor__code",)
    )


def _contacts():
    return Related(Contact.objects.public(), "practices", ("name", "pk"), ("name", "role", "email"))


def _citations():
    """Citation.label in SQL: "Title, section, p. 12", empty parts left out."""
    rows = Citation.objects.filter(**PRACTICE_TYPE)
    label = Concat(
        F("document__title"),
        Case(When(~Q(section=""), then=Concat(Value(", "), F("section"))), default=Value("")),
        Case(When(~Q(page=""), then=Concat(Value(", p. "), F("page"))), default=Value("")),
        output_field=CharField(),
    )
    return Related(rows, "object_id", ("document__key", "section", "pk"), (label,))


# Read once each (in JSON), for the columns that show them.
THEMES = _m2m("themes", Translated("name"), "slug")
CONTACTS = _contacts()


PRACTICE_COLUMNS = [
    SqlColumn("id", "Database id of the practice", sql=F("pk"), cell=NUMBER),
    SqlColumn("slug", "Stable identifier; the last part of its URL", sql=F("slug")),
    SqlColumn(
        "url", "Absolute URL of the practice page", sql=F("slug"), cell=URL, base="practices:list"
    ),
    # Text in the request's language, English where untranslated; column names and
    # codes stay English whatever the language.
    SqlColumn("title", "Name of the initiative", sql=Translated("title")),
    SqlColumn(
        "kind",
        "initiative, strategy (or plan), publication (or tool) or statement (of a network)",
        sql=F("kind"),
    ),
    SqlColumn("city", "City name", sql=F("city__name")),
    SqlColumn("city_slug", "Joins cities.csv", sql=F("city__slug")),
    SqlColumn("scope", "local, regional, national or european: how far it reaches", sql=F("scope")),
    # The effective country: the city's, else the practice's own (a national practice).
    SqlColumn(
        "country_code",
        "ISO 3166-1 alpha-2: the city's country, else the practice's own (a national practice)",
        sql=Coalesce(F("city__country_id"), F("country_id")),
    ),
    SqlColumn(
        "country",
        "Country name (the same rule)",
        sql=Coalesce(Translated("city__country__name"), Translated("country__name")),
    ),
    SqlColumn("lead_organisation", "Organisation that runs it", sql=F("lead_organisation__name")),
    SqlColumn(
        "lead_organisation_slug", "Joins organisations.csv", sql=F("lead_organisation__slug")
    ),
    SqlColumn("partner_slugs", "Partner organisations", sql=_m2m("partners", "slug")),
    SqlColumn("themes", "Theme names", sql=THEMES),
    SqlColumn("theme_slugs", "Theme identifiers", sql=THEMES, field=1),
    SqlColumn(
        "target_groups",
        "Who it is for",
        sql=_m2m("target_groups", Translated("name")),
    ),
    SqlColumn(
        "funding_sources",
        "Who funds it",
        sql=_m2m("funding_sources", Translated("name")),
    ),
    SqlColumn("tags", "Free tags", sql=_tags("name")),
    SqlColumn(
        "values_factors",
        "Codes of the VALUES factors it illustrates",
        sql=_factors(),
    ),
    SqlColumn(
        "contact_names",
        "Public contacts (private ones never)",
        sql=CONTACTS,
    ),
    SqlColumn(
        "contact_roles",
        "Their roles, in the same order (empty where none)",
        sql=CONTACTS,
        field=1,
    ),
    SqlColumn(
        "contact_emails",
        "Their e-mail addresses, in the same order",
        sql=CONTACTS,
        field=2,
    ),
    SqlColumn("start_year", "Year it started (number)", sql=F("start_year"), cell=NUMBER),
    SqlColumn("end_year", "Year it ended (number)", sql=F("end_year"), cell=NUMBER),
    SqlColumn("status", "ongoing, ended, planned or unknown", sql=F("status")),
    SqlColumn("summary", "One-paragraph summary", sql=Translated("summary")),
    SqlColumn("results", "Outcomes, with figures", sql=Translated("results")),
    SqlColumn("beneficiaries", "Who and how many it reaches", sql=Translated("beneficiaries")),
    SqlColumn("funding", "Funding and resources, as text", sql=Translated("funding")),
    SqlColumn("source", "Source document, section and page", sql=_citations()),
    SqlColumn(
        "published",
        "false for drafts (staff exports only)",
        sql=F("is_published"),
        cell=BOOL,
    ),
]
