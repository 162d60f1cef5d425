"""Export columns of the practice list; README documents them (a test keeps them in step).

Rows come from Practice.objects.for_export(), whose prefetches fill the *_list attributes.
"""

from portal.export import Column, url_prefix


def _url(obj, request):
    return f"{url_prefix(request, 'practices:list')}{obj.slug}/"


PRACTICE_COLUMNS = [
    Column("id", lambda o, r: o.pk, "Database id of the practice"),
    Column("slug", lambda o, r: o.slug, "Stable identifier; the last part of its URL"),
    Column("url", _url, "Absolute URL of the practice page"),
    Column("title", lambda o, r: o.title, "Name of the initiative"),
    Column(
        "kind",
        lambda o, r: o.kind,
        "initiative, strategy (or plan), publication (or tool) or statement (of a network)",
    ),
    Column("city", lambda o, r: o.city.name if o.city_id else None, "City name"),
    Column("city_slug", lambda o, r: o.city.slug if o.city_id else None, "Joins cities.csv"),
    Column(
        "country_code", lambda o, r: o.city.country_id if o.city_id else None, "ISO 3166-1 alpha-2"
    ),
    Column("country", lambda o, r: o.city.country.name if o.city_id else None, "Country name"),
    Column(
        "lead_organisation",
        lambda o, r: o.lead_organisation.name if o.lead_organisation_id else None,
        "Organisation that runs it",
    ),
    Column(
        "lead_organisation_slug",
        lambda o, r: o.lead_organisation.slug if o.lead_organisation_id else None,
        "Joins organisations.csv",
    ),
    Column("partner_slugs", lambda o, r: [p.slug for p in o.partner_list], "Partner organisations"),
    Column("themes", lambda o, r: [t.name for t in o.theme_list], "Theme names"),
    Column("theme_slugs", lambda o, r: [t.slug for t in o.theme_list], "Theme identifiers"),
    Column("target_groups", lambda o, r: [t.name for t in o.target_group_list], "Who it is for"),
    Column("funding_sources", lambda o, r: [f.name for f in o.funding_source_list], "Who funds it"),
    Column("tags", lambda o, r: [t.name for t in o.tag_list], "Free tags"),
    Column(
        "values_factors",
        lambda o, r: [i.factor.code for i in o.illustration_list],
        "Codes of the VALUES factors it illustrates",
    ),
    Column(
        "contact_names",
        lambda o, r: [c.name for c in o.public_contact_list],
        "Public contacts (private ones never)",
    ),
    Column(
        "contact_roles",
        lambda o, r: [c.role for c in o.public_contact_list],
        "Their roles, in the same order (empty where none)",
    ),
    Column(
        "contact_emails",
        lambda o, r: [c.email for c in o.public_contact_list],
        "Their e-mail addresses, in the same order",
    ),
    Column("start_year", lambda o, r: o.start_year, "Year it started (number)"),
    Column("end_year", lambda o, r: o.end_year, "Year it ended (number)"),
    Column("status", lambda o, r: o.status, "ongoing, ended, planned or unknown"),
    Column("summary", lambda o, r: o.summary, "One-paragraph summary"),
    Column("results", lambda o, r: o.results, "Outcomes, with figures"),
    Column("beneficiaries", lambda o, r: o.beneficiaries, "Who and how many it reaches"),
    Column("funding", lambda o, r: o.funding, "Funding and resources, as text"),
    Column(
        "source",
        lambda o, r: [c.label for c in o.citation_list],
        "Source document, section and page",
    ),
    Column("published", lambda o, r: o.is_published, "false for drafts (staff exports only)"),
]
